package io.dwcp.resilience.hedge.internal;

import io.dwcp.resilience.api.TimeSource;
import java.util.concurrent.Future;

/**
 * The attempts of one hedged call racing each other: the first success wins; the call fails only
 * when every attempt sent has failed. The caller waits here on the call's clock.
 */
final class Race {

    /** How often a caller re-reads a clock that is not the JVM's (a test's manual clock). */
    private static final long POLL_NANOS = 1_000_000;

    private final Future<?>[] attempts = new Future<?>[2];
    private final long[] startNanos = new long[2];
    private final Throwable[] failures = new Throwable[2];
    private int launched;
    private int failed;
    private int winner = -1;
    private Object result;

    /** Counts an attempt as sent before it is submitted (it may end before submit returns); returns its index. */
    synchronized int reserve(long startNanos) {
        this.startNanos[launched] = startNanos;
        return launched++;
    }

    /** The attempt could not be submitted (no thread free): it was never sent. */
    synchronized void withdraw(int attempt) {
        if (attempt == launched - 1 && !ended(attempt)) {
            launched--;
        }
    }

    /** Keeps the attempt's future, to interrupt it when another wins. */
    synchronized void attach(int attempt, Future<?> future) {
        attempts[attempt] = future;
    }

    synchronized void succeeded(int attempt, Object value) {
        if (winner < 0) {
            winner = attempt;
            result = value;
            notifyAll();
        }
    }

    synchronized void failed(int attempt, Throwable failure) {
        failures[attempt] = failure;
        failed++;
        notifyAll();
    }

    /** @return whether the race is over: an attempt succeeded, or every attempt sent failed */
    synchronized boolean decided() {
        return winner >= 0 || (launched > 0 && failed == launched);
    }

    /**
     * Waits until the race is decided or {@code clock} reads {@code untilNanos}.
     *
     * @return whether it is decided
     */
    synchronized boolean awaitUntil(TimeSource clock, long untilNanos) throws InterruptedException {
        while (!decided()) {
            long left = untilNanos - clock.nanoTime();
            if (left <= 0) {
                return false;
            }
            // The JVM's clock can be waited on directly; any other clock (a test's) is re-read, since
            // only reading it tells when it has moved.
            long wait = clock == TimeSource.SYSTEM ? left : Math.min(left, POLL_NANOS);
            wait(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        return true;
    }

    /** @return the index of the successful attempt, or -1 */
    synchronized int winner() {
        return winner;
    }

    synchronized Object result() {
        return result;
    }

    /** @return the first attempt's failure, with the later ones suppressed */
    synchronized Throwable failure() {
        Throwable first = failures[0] != null ? failures[0] : failures[1];
        for (Throwable t : failures) {
            if (t != null && t != first) {
                first.addSuppressed(t);
            }
        }
        return first;
    }

    /** @return how many attempts were sent */
    synchronized int launched() {
        return launched;
    }

    synchronized long startNanos(int attempt) {
        return startNanos[attempt];
    }

    /** @return whether the attempt ended (succeeded or failed) */
    synchronized boolean ended(int attempt) {
        return winner == attempt || failures[attempt] != null;
    }

    /** Interrupts the attempts still running: their result is no longer wanted. */
    synchronized void cancelRunning() {
        for (int i = 0; i < launched; i++) {
            if (attempts[i] != null && !ended(i)) {
                attempts[i].cancel(true);
            }
        }
    }
}
