package io.dwcp.resilience.api;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The operation names of DWCP. Any other name that passes {@link #validate(String)} is allowed too.
 */
public final class Operations {

    /** Send a message to a peer. */
    public static final String SEND = "send";
    /** Receive a message from a peer. */
    public static final String RECEIVE = "receive";
    /** Synchronise state with a peer. */
    public static final String SYNC = "sync";
    /** Take part in a consensus round. */
    public static final String CONSENSUS = "consensus";

    /** The four operations of DWCP, in this order. */
    public static final List<String> DWCP = List.of(SEND, RECEIVE, SYNC, CONSENSUS);

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private Operations() {
    }

    /**
     * Checks an operation name: 1 to 64 characters of lower-case letters, digits, '.', '_' and
     * '-', starting with a letter or digit.
     *
     * @param operation the name to check
     * @return the name
     * @throws IllegalArgumentException naming the bad value and the rule
     */
    public static String validate(String operation) {
        if (operation == null || !NAME.matcher(operation).matches()) {
            throw new IllegalArgumentException("invalid operation name '" + operation
                    + "': expected 1-64 characters of [a-z0-9._-], starting with a letter or digit");
        }
        return operation;
    }
}
