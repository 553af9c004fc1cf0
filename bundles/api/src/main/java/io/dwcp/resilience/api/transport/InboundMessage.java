package io.dwcp.resilience.api.transport;

import java.util.Objects;

/**
 * A message taken from the inbound queue.
 *
 * @param sender    the sending node's id
 * @param messageId the id the sender gave it (unique per sender)
 * @param payload   the bytes, decompressed; the caller owns this array
 */
public record InboundMessage(String sender, long messageId, byte[] payload) {

    /** Checks the fields. */
    public InboundMessage {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public String toString() {
        return "InboundMessage[sender=" + sender + ", messageId=" + messageId + ", " + payload.length + " bytes]";
    }
}
