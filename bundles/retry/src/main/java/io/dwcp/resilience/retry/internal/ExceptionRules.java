package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.api.ResilienceException;
import io.dwcp.resilience.kit.ExceptionNames;
import java.util.List;
import java.util.Set;

/**
 * Which failures are worth another attempt, by exception class name. Names, not classes: the
 * exception types live in other bundles whose classes this bundle cannot (and should not) load.
 * A name matches the exception's class, any superclass and any interface ({@link ExceptionNames}).
 *
 * <p>Fixed rules come first: a {@link ResilienceException} that is not {@link
 * ResilienceException#isRetryable() retryable} (a rejection by an outer stage) and an
 * {@link InterruptedException} are never retried. Then the exclusions win over the inclusions; an
 * empty inclusion list means every other exception.
 */
final class ExceptionRules {

    /** Retry every exception that the fixed rules allow. */
    static final ExceptionRules ALL = new ExceptionRules(List.of(), List.of());

    private final Set<String> retryOn;
    private final Set<String> ignore;

    /**
     * @param retryOn class names to retry; empty for all
     * @param ignore  class names never to retry
     */
    ExceptionRules(List<String> retryOn, List<String> ignore) {
        this.retryOn = Set.copyOf(retryOn);
        this.ignore = Set.copyOf(ignore);
    }

    /** @return whether {@code failure} may be retried */
    boolean isRetryable(Throwable failure) {
        if (failure instanceof ResilienceException && !((ResilienceException) failure).isRetryable()) {
            return false;
        }
        if (failure instanceof InterruptedException || !(failure instanceof Exception)) {
            return false;
        }
        if (ExceptionNames.matches(failure, ignore)) {
            return false;
        }
        return retryOn.isEmpty() || ExceptionNames.matches(failure, retryOn);
    }

    @Override
    public String toString() {
        return "retry on " + (retryOn.isEmpty() ? "all exceptions" : retryOn) + ", ignore " + ignore;
    }
}
