package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * The retry algorithm for one operation: runs the rest of the chain, and after a retryable failure
 * waits a backoff delay and runs it again, until it succeeds, the retries run out, the next wait
 * would pass the invocation's deadline, the retry budget says no, or the thread is interrupted.
 * When it gives up it rethrows the last failure (or returns the last result, when a result rule
 * asked for the retries).
 *
 * <p>No OSGi here: time comes from the invocation's {@link TimeSource}, waiting from a
 * {@link Sleeper}, randomness from a {@link DoubleSupplier}, all injectable.
 *
 * <p>Success path: one volatile read, one CAS in the budget, one counter increment; no clock read,
 * no lock, no allocation.
 */
final class Retrier {

    /** Uniform [0, 1) from the calling thread's generator: no contention, no allocation. */
    static final DoubleSupplier THREAD_LOCAL_RANDOM = () -> ThreadLocalRandom.current().nextDouble();

    /** Settings and what is built from them, replaced as a whole on reconfiguration. */
    private static final class Policy {
        final RetrySettings settings;
        final Backoff backoff;
        final RetryBudget budget;
        /** Read on every retry: copied out of the settings' typed view. */
        final int maxRetries;
        final double jitterFactor;

        Policy(RetrySettings settings, Backoff backoff, RetryBudget budget) {
            this.settings = settings;
            this.backoff = backoff;
            this.budget = budget;
            this.maxRetries = settings.maxRetries();
            this.jitterFactor = settings.jitterFactor();
        }
    }

    private final String operation;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final RetryListener listener;
    private final RetryMetrics metrics = new RetryMetrics();
    private volatile Policy policy;
    private volatile Predicate<Object> resultPredicate;
    /** The clock of the last call, for metrics read outside a call; a benign race. */
    private TimeSource lastClock = TimeSource.SYSTEM;

    /**
     * @param operation the operation, for events and metrics
     * @param settings  the initial settings
     * @param sleeper   waits between attempts
     * @param random    uniform numbers in [0, 1) for jitter
     * @param listener  hears retries and give-ups
     */
    Retrier(String operation, RetrySettings settings, Sleeper sleeper, DoubleSupplier random, RetryListener listener) {
        this.operation = operation;
        this.sleeper = sleeper;
        this.random = random;
        this.listener = listener;
        reconfigure(settings);
    }

    /**
     * Applies new settings to calls that start from now on. The retry budget's window is kept when
     * the budget settings did not change, so a reconfiguration does not hand out a fresh budget.
     */
    void reconfigure(RetrySettings settings) {
        Policy previous = policy;
        RetryBudget budget;
        if (previous != null && settings.sameBudgetAs(previous.settings)) {
            budget = previous.budget;
        } else {
            budget = settings.budget();
        }
        policy = new Policy(settings, settings.backoff(), budget);
    }

    /** @param predicate a predicate that asks for a retry after a result, or {@code null} for none */
    void setResultPredicate(Predicate<Object> predicate) {
        this.resultPredicate = predicate;
    }

    /**
     * Runs {@code next}, retrying as the settings allow.
     *
     * @return the result of the last attempt
     * @throws Exception the failure of the last attempt
     */
    <T> T execute(Invocation inv, Next<T> next) throws Exception {
        Policy p = policy;
        RetryBudget budget = p.budget;
        TimeSource clock = inv.timeSource();
        if (lastClock != clock) {
            lastClock = clock;
        }
        if (budget != null) {
            budget.recordCall(inv.startNanos());
        }
        int firstAttempt = inv.attempt();
        int retries = 0;
        long previousDelay = 0;
        while (true) {
            T result = null;
            Exception failure = null;
            try {
                result = next.proceed(inv);
            } catch (Exception e) {
                failure = e;
            }
            if (failure == null) {
                if (!retryOnResult(p.settings, result)) {
                    if (retries == 0) {
                        metrics.successfulCallsWithoutRetryAttempt.increment();
                    } else {
                        metrics.successfulCallsWithRetryAttempt.increment();
                    }
                    return result;
                }
            } else if (!p.settings.exceptionRules().isRetryable(failure)) {
                countFailure(retries);
                throw failure;
            }

            // The attempt failed in a way worth retrying: decide whether to, and how long to wait.
            GiveUpReason reason = null;
            long delay = 0;
            if (retries >= p.maxRetries) {
                reason = GiveUpReason.EXHAUSTED;
            } else if (Thread.currentThread().isInterrupted()) {
                reason = GiveUpReason.INTERRUPTED;
            } else {
                long now = clock.nanoTime();
                delay = p.settings.jitter().delayNanos(p.backoff, retries + 1, previousDelay,
                        p.jitterFactor, random.getAsDouble());
                if (delay >= inv.remainingNanos(now)) {
                    // Waking at or after the deadline leaves the next attempt no time at all.
                    reason = GiveUpReason.DEADLINE;
                } else if (budget != null && !budget.tryAcquireRetry(now)) {
                    reason = GiveUpReason.BUDGET;
                }
            }
            if (reason != null) {
                return giveUp(reason, firstAttempt + retries, retries, failure, result);
            }

            retries++;
            metrics.retryAttempts.increment();
            listener.onRetry(operation, firstAttempt + retries, delay, failure);
            if (delay > 0) {
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    if (failure != null) {
                        failure.addSuppressed(interrupted);
                    }
                    return giveUp(GiveUpReason.INTERRUPTED, firstAttempt + retries - 1, retries, failure, result);
                }
            }
            previousDelay = delay;
            inv.setAttempt(firstAttempt + retries);
        }
    }

    private boolean retryOnResult(RetrySettings settings, Object result) {
        if (!settings.resultRules().isEmpty() && settings.resultRules().matches(result)) {
            return true;
        }
        Predicate<Object> predicate = resultPredicate;
        if (predicate == null) {
            return false;
        }
        try {
            return predicate.test(result);
        } catch (RuntimeException e) {
            // A broken predicate must not break the call: the result stands.
            listener.onPredicateFailure(operation, e);
            return false;
        }
    }

    private <T> T giveUp(GiveUpReason reason, int attempts, int retries, Exception failure, T result) throws Exception {
        switch (reason) {
            case BUDGET:
                metrics.retriesDeniedByBudget.increment();
                break;
            case DEADLINE:
                metrics.retriesAbandonedAtDeadline.increment();
                break;
            case INTERRUPTED:
                metrics.retriesInterrupted.increment();
                break;
            default:
                break;
        }
        countFailure(retries);
        listener.onGiveUp(operation, attempts, reason, failure);
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    private void countFailure(int retries) {
        (retries == 0 ? metrics.failedCallsWithoutRetryAttempt : metrics.failedCallsWithRetryAttempt).increment();
    }

    /** @return this operation's counters */
    RetryMetrics metrics() {
        return metrics;
    }

    /** @return the operation */
    String operation() {
        return operation;
    }

    /** @return the settings in force */
    RetrySettings settings() {
        return policy.settings;
    }

    /** @return the retry budget in force, or {@code null} when disabled */
    RetryBudget budget() {
        return policy.budget;
    }

    /** @return the clock of the most recent call */
    TimeSource lastClock() {
        return lastClock;
    }
}
