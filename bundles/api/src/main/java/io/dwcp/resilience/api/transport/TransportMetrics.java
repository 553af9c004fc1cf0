package io.dwcp.resilience.api.transport;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The transport's figures since it started.
 *
 * @param messagesOut       DATA messages acknowledged by their peer (consensus writes count once per peer)
 * @param messagesIn        DATA messages put into the inbound queue (duplicates not counted)
 * @param bytesOut          bytes written to sockets (frames, all types)
 * @param bytesIn           bytes read from sockets
 * @param connections       streams up now
 * @param connectionsAccepted inbound connections accepted (handshake passed)
 * @param reconnects        outbound streams re-opened after one was lost
 * @param resends           DATA frames sent again on another stream after theirs dropped
 * @param duplicatesDropped DATA frames whose id was already delivered (acknowledged again, not queued)
 * @param backPressured     DATA frames not acknowledged because the inbound queue was full
 * @param inboundQueued     messages in the inbound queue now
 * @param framesRefused     frames or connections refused, per reason ({@code bad-magic}, {@code bad-version},
 *                          {@code bad-crc}, {@code too-large}, {@code bad-type}, {@code bad-hello},
 *                          {@code partitioned}, {@code idle}, {@code tls}, …); the connection is closed
 * @param compression       what compression achieved
 * @param mode              the transport mode now
 */
public record TransportMetrics(long messagesOut, long messagesIn, long bytesOut, long bytesIn, int connections,
        long connectionsAccepted, long reconnects, long resends, long duplicatesDropped, long backPressured,
        int inboundQueued, Map<String, Long> framesRefused, CompressionMetrics compression, TransportMode mode) {

    /** Copies the refusals, sorted by reason. */
    public TransportMetrics {
        framesRefused = Collections.unmodifiableMap(new TreeMap<>(framesRefused));
    }

    /** @return frames refused for every reason */
    public long framesRefusedTotal() {
        long sum = 0;
        for (long n : framesRefused.values()) {
            sum += n;
        }
        return sum;
    }
}
