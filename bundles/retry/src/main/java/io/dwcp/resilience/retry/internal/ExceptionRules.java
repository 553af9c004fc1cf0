package io.dwcp.resilience.retry.internal;

import io.dwcp.resilience.api.ResilienceException;
import java.util.List;
import java.util.Set;

/**
 * Which failures are worth another attempt, by exception class name. Names, not classes: the
 * exception types live in other bundles whose classes this bundle cannot (and should not) load.
 * A name matches the exception's class, any superclass and any interface it implements.
 *
 * <p>Fixed rules come first: a {@link ResilienceException} that is not {@link
 * ResilienceException#isRetryable() retryable} (a rejection by an outer stage) and an
 * {@link InterruptedException} are never retried. Then the exclusions win over the inclusions; an
 * empty inclusion list means every other exception.
 */
final class ExceptionRules {

    /** Retry every exception that the fixed rules allow. */
    static final ExceptionRules ALL = new ExceptionRules(List.of(), List.of());

    private final String[] retryOn;
    private final String[] ignore;

    /**
     * @param retryOn class names to retry; empty for all
     * @param ignore  class names never to retry
     */
    ExceptionRules(List<String> retryOn, List<String> ignore) {
        this.retryOn = retryOn.toArray(new String[0]);
        this.ignore = ignore.toArray(new String[0]);
    }

    /** @return whether {@code failure} may be retried */
    boolean isRetryable(Throwable failure) {
        if (failure instanceof ResilienceException && !((ResilienceException) failure).isRetryable()) {
            return false;
        }
        if (failure instanceof InterruptedException || !(failure instanceof Exception)) {
            return false;
        }
        if (ignore.length > 0 && matchesAny(failure.getClass(), ignore)) {
            return false;
        }
        return retryOn.length == 0 || matchesAny(failure.getClass(), retryOn);
    }

    private static boolean matchesAny(Class<?> type, String[] names) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (contains(names, c.getName()) || interfaceMatches(c.getInterfaces(), names)) {
                return true;
            }
        }
        return false;
    }

    private static boolean interfaceMatches(Class<?>[] interfaces, String[] names) {
        for (Class<?> i : interfaces) {
            if (contains(names, i.getName()) || interfaceMatches(i.getInterfaces(), names)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(String[] names, String name) {
        for (String n : names) {
            if (n.equals(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "retry on " + (retryOn.length == 0 ? "all exceptions" : Set.of(retryOn)) + ", ignore " + Set.of(ignore);
    }
}
