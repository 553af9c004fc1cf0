package io.dwcp.resilience.circuitbreaker.internal;

import io.dwcp.resilience.api.ResilienceException;
import io.dwcp.resilience.kit.ExceptionNames;
import java.util.Set;

/**
 * Decides by class name whether a failure counts against the breaker. Names match the failure's
 * class, every superclass and every interface ({@link ExceptionNames}), as in every component. Matching by name
 * rather than by {@code Class} keeps the configuration plain text and free of class loading.
 *
 * <p>Rules, as Resilience4j has them: an ignored class wins; with an empty record list every other
 * failure is recorded; with a non-empty record list a failure outside it counts as a success. A
 * rejection by an inner stage ({@link ResilienceException#isRejection()}) never reached the peer and
 * is always ignored.
 *
 * @param record class names recorded as failures; empty = all
 * @param ignore class names neither recorded as failures nor as successes
 */
public record ExceptionClassifier(Set<String> record, Set<String> ignore) {

    /** The outcome counts as a success. */
    static final int SUCCESS = 0;
    /** The outcome counts as a failure. */
    static final int FAILURE = 1;
    /** The outcome counts neither way. */
    static final int IGNORED = 2;

    /** Copies the sets. */
    public ExceptionClassifier {
        record = Set.copyOf(record);
        ignore = Set.copyOf(ignore);
    }

    /**
     * @param failure what the call threw, or {@code null} when it returned
     * @return {@link #SUCCESS}, {@link #FAILURE} or {@link #IGNORED}
     */
    int classify(Throwable failure) {
        if (failure == null) {
            return SUCCESS;
        }
        if (failure instanceof ResilienceException r && r.isRejection()) {
            return IGNORED;
        }
        if (ExceptionNames.matches(failure, ignore)) {
            return IGNORED;
        }
        if (record.isEmpty() || ExceptionNames.matches(failure, record)) {
            return FAILURE;
        }
        return SUCCESS;
    }

    @Override
    public String toString() {
        return "record=" + (record.isEmpty() ? "[all]" : record) + " ignore=" + ignore;
    }
}
