package io.dwcp.resilience.transport.internal;

import io.dwcp.resilience.api.transport.CompressionMetrics;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 block compression of payloads at or above a threshold, kept only when it saves bytes. Uses
 * lz4-java's pure-Java "safe" implementation: no native code to load inside OSGi, and a decompressor
 * that checks every bound of hostile input. Compressed payload: original length (4 bytes, big
 * endian), then the LZ4 block.
 */
final class PayloadCompression {

    private static final LZ4Factory LZ4 = LZ4Factory.safeInstance();
    private final LZ4Compressor compressor = LZ4.fastCompressor();
    private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();

    private final LongAdder compressed = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder before = new LongAdder();
    private final LongAdder after = new LongAdder();

    /**
     * @return the frame to send: {@code payload} as it is, or compressed with {@link FrameCodec#FLAG_COMPRESSED}
     */
    Frame frame(FrameType type, long id, byte[] payload, boolean enabled, int threshold) {
        if (!enabled || payload.length < threshold) {
            return new Frame(type, 0, id, payload);
        }
        int max = compressor.maxCompressedLength(payload.length);
        byte[] out = new byte[4 + max];
        int n = compressor.compress(payload, 0, payload.length, out, 4, max);
        if (n + 4 >= payload.length) {
            skipped.increment();
            return new Frame(type, 0, id, payload);
        }
        ByteBuffer.wrap(out).putInt(payload.length);
        byte[] exact = java.util.Arrays.copyOf(out, n + 4);
        compressed.increment();
        before.add(payload.length);
        after.add(exact.length);
        return new Frame(type, FrameCodec.FLAG_COMPRESSED, id, exact);
    }

    /**
     * @param maxBytes the largest original size accepted (the frame limit), so a lying length cannot make us allocate more
     * @return the frame's payload, decompressed if it is compressed
     */
    byte[] payload(Frame frame, int maxBytes) throws FrameRefusedException {
        if (!frame.has(FrameCodec.FLAG_COMPRESSED)) {
            return frame.payload();
        }
        byte[] in = frame.payload();
        if (in.length < 4) {
            throw new FrameRefusedException("bad-compression", "compressed payload shorter than its length prefix");
        }
        int original = ByteBuffer.wrap(in).getInt();
        if (original < 0 || original > maxBytes) {
            throw new FrameRefusedException("bad-compression", "original length " + original + " outside 0.." + maxBytes);
        }
        byte[] out = new byte[original];
        try {
            int n = decompressor.decompress(in, 4, in.length - 4, out, 0, original);
            if (n != original) {
                throw new FrameRefusedException("bad-compression", "decompressed " + n + " bytes, prefix says " + original);
            }
        } catch (LZ4Exception e) {
            throw new FrameRefusedException("bad-compression", "LZ4 block is malformed");
        }
        return out;
    }

    CompressionMetrics metrics(boolean enabled, int threshold) {
        return new CompressionMetrics(enabled, threshold, compressed.sum(), skipped.sum(), before.sum(), after.sum());
    }
}
