package io.dwcp.resilience.api.transport;

/**
 * What payload compression achieved so far.
 *
 * @param enabled           whether compression is configured on
 * @param thresholdBytes    payloads at or above this size are compressed
 * @param compressedPayloads payloads sent compressed
 * @param skippedPayloads   payloads at or above the threshold sent plain because compressing did not save bytes
 * @param bytesBefore       size of the compressed payloads before compression
 * @param bytesAfter        their size on the wire
 */
public record CompressionMetrics(boolean enabled, int thresholdBytes, long compressedPayloads, long skippedPayloads,
        long bytesBefore, long bytesAfter) {

    /** @return bytes not sent thanks to compression */
    public long bytesSaved() {
        return bytesBefore - bytesAfter;
    }

    /** @return bytes before over bytes after (e.g. 3.0 = a third of the size), 1.0 before any compression */
    public double ratio() {
        return bytesAfter == 0 ? 1.0 : (double) bytesBefore / bytesAfter;
    }
}
