package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.slo.BudgetKind;
import io.dwcp.resilience.api.state.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The durable form of an {@link OperationBudget}: a versioned binary record whose buckets are
 * placed by wall-clock start time, so a budget restores state written with another bucket layout
 * (counts land in the bucket that contains their start) and after any downtime (buckets that fell
 * out of the window are dropped).
 *
 * <p>Integrity (torn or corrupt bytes) is the {@link StateStore}'s job; this codec refuses what it
 * cannot interpret: another magic, another payload version, another operation, truncated data,
 * negative counts.
 */
final class BudgetStateCodec {

    /** "DSLO". */
    static final int MAGIC = 0x44534C4F;
    /** The payload version this code writes and reads. */
    static final int VERSION = 1;

    private BudgetStateCodec() {
    }

    /**
     * @param budget the budget to save
     * @return its state, at most {@link StateStore#MAX_RECORD_BYTES} (the oldest latency histograms
     *         are left out if the record would be larger)
     */
    static byte[] encode(OperationBudget budget, long savedAtMillis) {
        return encode(budget, savedAtMillis, StateStore.MAX_RECORD_BYTES);
    }

    /** As {@link #encode(OperationBudget, long)}, within {@code maxBytes}. */
    static byte[] encode(OperationBudget budget, long savedAtMillis, int maxBytes) {
        synchronized (budget) {
            budget.foldNow();
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeUTF(budget.operation());
                out.writeLong(savedAtMillis);
                FineRing fine = budget.fine();
                CoarseRing coarse = budget.coarse();
                LatencyRing latency = budget.latency();
                out.writeLong(fine.widthNanos());
                out.writeLong(coarse.widthNanos());
                out.writeLong(latency == null ? 0 : latency.widthNanos());
                // Everything that starts before this wall time is already in the coarse buckets.
                out.writeLong((budget.foldedThrough() + 1) * fine.widthNanos());
                out.writeBoolean(budget.errorExhausted());
                out.writeBoolean(budget.latencyExhausted());
                Map<String, Boolean> firing = budget.firing();
                out.writeInt(firing.size());
                for (Map.Entry<String, Boolean> e : firing.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeBoolean(e.getValue());
                }
                int n = 0;
                for (int i = 0; i < coarse.size(); i++) {
                    n += coarse.stamp(i) >= 0 ? 1 : 0;
                }
                out.writeInt(n);
                for (int i = 0; i < coarse.size(); i++) {
                    if (coarse.stamp(i) >= 0) {
                        out.writeLong(coarse.stamp(i) * coarse.widthNanos());
                        out.writeLong(coarse.total(i));
                        out.writeLong(coarse.bad(i));
                        out.writeLong(coarse.slow(i));
                        out.writeLong(coarse.downNanos(i));
                    }
                }
                List<long[]> fineEntries = new ArrayList<>();
                for (int i = 0; i < fine.size(); i++) {
                    long stamp = fine.stamp(i);
                    if (stamp >= 0 && fine.total(i) > 0) {
                        fineEntries.add(new long[] {stamp * fine.widthNanos(), fine.total(i), fine.bad(i), fine.slow(i)});
                    }
                }
                out.writeInt(fineEntries.size());
                for (long[] e : fineEntries) {
                    for (long v : e) {
                        out.writeLong(v);
                    }
                }
                writeLatency(out, bytes, latency, maxBytes);
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot happen writing to memory", e);
            }
        }
    }

    private static void writeLatency(DataOutputStream out, ByteArrayOutputStream bytes, LatencyRing latency, int maxBytes)
            throws IOException {
        if (latency == null) {
            out.writeInt(0);
            return;
        }
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < latency.size(); i++) {
            if (latency.stamp(i) >= 0 && latency.totalCount(i) > 0) {
                slots.add(i);
            }
        }
        slots.sort(Comparator.comparingLong(latency::stamp).reversed());
        List<byte[]> encoded = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        long room = maxBytes - bytes.size() - 4;
        for (int i : slots) {
            Histogram h = latency.copy(i);
            ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            int len = h.encodeIntoCompressedByteBuffer(buf);
            if (len + 12 > room) {
                break; // newest first: what is left out is the oldest part of the window
            }
            room -= len + 12;
            byte[] b = new byte[len];
            buf.flip();
            buf.get(b);
            encoded.add(b);
            starts.add(latency.stamp(i) * latency.widthNanos());
        }
        out.writeInt(encoded.size());
        for (int k = 0; k < encoded.size(); k++) {
            out.writeLong(starts.get(k));
            out.writeInt(encoded.get(k).length);
            out.write(encoded.get(k));
        }
    }

    /**
     * Restores a record into a budget that no caller records into yet.
     *
     * @param budget a fresh budget
     * @param record what {@link #encode} wrote, possibly with another bucket layout
     * @throws UndecodableStateException when the record is not a version-{@value #VERSION} record of
     *                                   this budget's operation; the budget is then unchanged or
     *                                   partly filled and must be discarded
     */
    static void restore(OperationBudget budget, byte[] record) throws UndecodableStateException {
        synchronized (budget) {
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
                int magic = in.readInt();
                if (magic != MAGIC) {
                    throw new UndecodableStateException(String.format("not a budget record (magic 0x%08x)", magic));
                }
                int version = in.readInt();
                if (version != VERSION) {
                    throw new UndecodableStateException("payload version " + version + ", this bundle reads version " + VERSION);
                }
                String operation = in.readUTF();
                if (!operation.equals(budget.operation())) {
                    throw new UndecodableStateException("record of operation '" + operation + "', expected '"
                            + budget.operation() + "'");
                }
                in.readLong(); // saved at: for people reading a dump
                long fineWidth = positive(in.readLong(), "fine bucket width");
                long coarseWidth = positive(in.readLong(), "coarse bucket width");
                long latencyWidth = in.readLong();
                long foldedEndWall = in.readLong();
                boolean errorExhausted = in.readBoolean();
                boolean latencyExhausted = in.readBoolean();
                int alerts = count(in.readInt(), "alerts");
                Map<String, Boolean> firing = budget.firing();
                firing.clear();
                for (int i = 0; i < alerts; i++) {
                    String key = in.readUTF();
                    boolean on = in.readBoolean();
                    if (key.startsWith(BudgetKind.ERROR.id() + "/") || key.startsWith(BudgetKind.LATENCY.id() + "/")) {
                        firing.put(key, on);
                    }
                }
                CoarseRing coarse = budget.coarse();
                int coarseEntries = count(in.readInt(), "coarse buckets");
                for (int i = 0; i < coarseEntries; i++) {
                    long start = in.readLong();
                    long t = counted(in.readLong());
                    long b = counted(in.readLong());
                    long s = counted(in.readLong());
                    long d = counted(in.readLong());
                    coarse.add(Math.floorDiv(start, coarse.widthNanos()), t, b, s, d);
                }
                FineRing fine = budget.fine();
                boolean sameFine = fineWidth == fine.widthNanos();
                long errorPpm = Ratios.budgetPpm(budget.settings().objective());
                int fineEntries = count(in.readInt(), "fine buckets");
                for (int i = 0; i < fineEntries; i++) {
                    long start = in.readLong();
                    long t = counted(in.readLong());
                    long b = counted(in.readLong());
                    long s = counted(in.readLong());
                    boolean folded = start < foldedEndWall;
                    if (sameFine && fine.add(Math.floorDiv(start, fineWidth), t, b, s)) {
                        continue;
                    }
                    if (!folded) {
                        // Cannot keep it at fine resolution: count it in its coarse bucket at once.
                        coarse.add(Math.floorDiv(start, coarse.widthNanos()), t, b, s, Ratios.over(b, t, errorPpm) ? fineWidth : 0);
                    }
                }
                long foldedThrough = sameFine ? Math.floorDiv(foldedEndWall, fineWidth) - 1 : Long.MAX_VALUE;
                int latencyEntries = count(in.readInt(), "latency histograms");
                LatencyRing latency = budget.latency();
                for (int i = 0; i < latencyEntries; i++) {
                    long start = in.readLong();
                    int len = count(in.readInt(), "histogram bytes");
                    byte[] b = new byte[len];
                    in.readFully(b);
                    if (latency != null) {
                        Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(b), latency.highestNanos());
                        latency.add(Math.floorDiv(start, latency.widthNanos()), h);
                    }
                }
                if (in.read() != -1) {
                    throw new UndecodableStateException("trailing bytes after the record");
                }
                if (latencyWidth < 0) {
                    throw new UndecodableStateException("negative latency bucket width");
                }
                // With another fine width, unfolded buckets went straight to coarse: fold from now on.
                budget.foldedThrough(foldedThrough == Long.MAX_VALUE ? budget.foldedThrough() : foldedThrough);
                budget.exhausted(errorExhausted, latencyExhausted && latency != null);
                budget.foldNow();
            } catch (EOFException e) {
                throw new UndecodableStateException("record ends early", e);
            } catch (IOException | DataFormatException | RuntimeException e) {
                throw new UndecodableStateException("record cannot be read: " + e, e);
            }
        }
    }

    private static long positive(long v, String what) throws UndecodableStateException {
        if (v <= 0) {
            throw new UndecodableStateException(what + " is " + v);
        }
        return v;
    }

    private static int count(int v, String what) throws UndecodableStateException {
        if (v < 0 || v > StateStore.MAX_RECORD_BYTES) {
            throw new UndecodableStateException("implausible number of " + what + ": " + v);
        }
        return v;
    }

    private static long counted(long v) throws UndecodableStateException {
        if (v < 0) {
            throw new UndecodableStateException("negative count " + v);
        }
        return v;
    }
}
