package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.slo.BudgetKind;
import io.dwcp.resilience.api.state.StateStore;
import io.dwcp.resilience.kit.StateCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The durable form of an {@link OperationBudget}: a record of the kit's versioned {@link StateCodec}
 * (kind {@value #KIND}, field version {@value #VERSION}) whose buckets are placed by wall-clock start
 * time, so a budget restores state written with another bucket layout (counts land in the bucket that
 * contains their start) and after any downtime (buckets that fell out of the window are dropped).
 *
 * <p>Fields: {@code operation}, {@code saved.at} (ms), {@code fine.width}/{@code coarse.width}/
 * {@code latency.width} (ns), {@code folded.end} (wall ns before which fine counts are already in the
 * coarse buckets), {@code exhausted.error}/{@code exhausted.latency}, {@code alerts} (one
 * {@code <name>=<firing>} per line), {@code coarse} ({@code start,total,bad,slow,down} per line),
 * {@code fine} ({@code start,total,bad,slow} per line) and {@code latency.<n>} (a histogram's start
 * and its HdrHistogram-compressed form in Base64, newest first), with {@code *.count} fields so a
 * cut record is refused rather than read short.
 *
 * <p>The binary record of the bundle's first version (magic {@code DSLO}, payload version 1) is still
 * read, so a budget saved before the upgrade restores; the next save writes the new form.
 *
 * <p>Integrity (torn or corrupt bytes) is the {@link StateStore}'s job; this codec refuses what it
 * cannot interpret: another kind or version, another operation, missing or extra fields, negative
 * counts.
 */
final class BudgetStateCodec {

    /** The record's kind in the {@link StateCodec} envelope. */
    static final String KIND = "slo";
    /** The field version this code writes and reads. */
    static final int VERSION = 2;
    /** "DSLO": the first bytes of a record of the old binary format. */
    static final int LEGACY_MAGIC = 0x44534C4F;

    private BudgetStateCodec() {
    }

    /** What a record holds, whichever format it came in. */
    private record Saved(String operation, long fineWidth, long coarseWidth, long latencyWidth, long foldedEndWall,
            boolean errorExhausted, boolean latencyExhausted, Map<String, Boolean> firing, List<long[]> coarse,
            List<long[]> fine, List<Map.Entry<Long, byte[]>> latency) {
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
            FineRing fine = budget.fine();
            CoarseRing coarse = budget.coarse();
            LatencyRing latency = budget.latency();
            Map<String, String> f = new TreeMap<>();
            f.put("operation", budget.operation());
            f.put("saved.at", Long.toString(savedAtMillis));
            f.put("fine.width", Long.toString(fine.widthNanos()));
            f.put("coarse.width", Long.toString(coarse.widthNanos()));
            f.put("latency.width", Long.toString(latency == null ? 0 : latency.widthNanos()));
            // Everything that starts before this wall time is already in the coarse buckets.
            f.put("folded.end", Long.toString((budget.foldedThrough() + 1) * fine.widthNanos()));
            f.put("exhausted.error", Boolean.toString(budget.errorExhausted()));
            f.put("exhausted.latency", Boolean.toString(budget.latencyExhausted()));
            List<String> alerts = new ArrayList<>();
            budget.firing().forEach((name, on) -> alerts.add(name + "=" + on));
            put(f, "alerts", alerts);
            List<String> rows = new ArrayList<>();
            for (int i = 0; i < coarse.size(); i++) {
                if (coarse.stamp(i) >= 0) {
                    rows.add(join(coarse.stamp(i) * coarse.widthNanos(), coarse.total(i), coarse.bad(i), coarse.slow(i),
                            coarse.downNanos(i)));
                }
            }
            put(f, "coarse", rows);
            rows = new ArrayList<>();
            for (int i = 0; i < fine.size(); i++) {
                if (fine.stamp(i) >= 0 && fine.total(i) > 0) {
                    rows.add(join(fine.stamp(i) * fine.widthNanos(), fine.total(i), fine.bad(i), fine.slow(i)));
                }
            }
            put(f, "fine", rows);
            return withLatency(f, latency, maxBytes);
        }
    }

    /** Adds the latency histograms, newest first, as many as fit in {@code maxBytes}. */
    private static byte[] withLatency(Map<String, String> f, LatencyRing latency, int maxBytes) {
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; latency != null && i < latency.size(); i++) {
            if (latency.stamp(i) >= 0 && latency.totalCount(i) > 0) {
                slots.add(i);
            }
        }
        if (latency != null) {
            slots.sort(Comparator.comparingLong((Integer i) -> latency.stamp(i)).reversed());
        }
        f.put("latency.count", "0");
        // Each field costs its line; ".count" may grow by a few digits: keep 16 bytes spare.
        long room = maxBytes - StateCodec.encode(KIND, VERSION, f).length - 16;
        int n = 0;
        for (int i : slots) {
            Histogram h = latency.copy(i);
            ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            int len = h.encodeIntoCompressedByteBuffer(buf);
            byte[] b = new byte[len];
            buf.flip();
            buf.get(b);
            String name = "latency." + n;
            String value = latency.stamp(i) * latency.widthNanos() + " " + Base64.getEncoder().withoutPadding().encodeToString(b);
            long cost = name.length() + value.length() + 2;
            if (cost > room) {
                break; // newest first: what is left out is the oldest part of the window
            }
            room -= cost;
            f.put(name, value);
            n++;
        }
        f.put("latency.count", Integer.toString(n));
        return StateCodec.encode(KIND, VERSION, f);
    }

    private static void put(Map<String, String> f, String name, List<String> lines) {
        f.put(name, String.join("\n", lines));
        f.put(name + ".count", Integer.toString(lines.size()));
    }

    private static String join(long... values) {
        StringBuilder b = new StringBuilder();
        for (long v : values) {
            b.append(b.length() == 0 ? "" : ",").append(v);
        }
        return b.toString();
    }

    /**
     * Restores a record into a budget that no caller records into yet.
     *
     * @param budget a fresh budget
     * @param record what {@link #encode} wrote, possibly with another bucket layout, or a record of the
     *               old binary format
     * @throws UndecodableStateException when the record is not a version-{@value #VERSION} record (or an
     *                                   old binary one) of this budget's operation; the budget is then
     *                                   unchanged or partly filled and must be discarded
     */
    static void restore(OperationBudget budget, byte[] record) throws UndecodableStateException {
        Saved saved;
        try {
            saved = isLegacy(record) ? readLegacy(record) : read(record);
        } catch (UndecodableStateException e) {
            throw e;
        } catch (IOException e) {
            throw new UndecodableStateException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new UndecodableStateException("record cannot be read: " + e, e);
        }
        synchronized (budget) {
            try {
                apply(budget, saved);
            } catch (DataFormatException | RuntimeException e) {
                throw new UndecodableStateException("record cannot be read: " + e, e);
            }
        }
    }

    private static boolean isLegacy(byte[] record) {
        return record.length >= 4 && ByteBuffer.wrap(record).getInt(0) == LEGACY_MAGIC;
    }

    private static Saved read(byte[] record) throws IOException, UndecodableStateException {
        Map<String, String> f = new TreeMap<>(StateCodec.decode(KIND, VERSION, record));
        Map<String, Boolean> firing = new LinkedHashMap<>();
        for (String line : lines(f, "alerts")) {
            int eq = line.lastIndexOf('=');
            if (eq < 1) {
                throw new UndecodableStateException("alert line '" + line + "' is not <name>=<firing>");
            }
            firing.put(line.substring(0, eq), Boolean.parseBoolean(line.substring(eq + 1)));
        }
        List<long[]> coarse = new ArrayList<>();
        for (String line : lines(f, "coarse")) {
            coarse.add(numbers(line, 5));
        }
        List<long[]> fine = new ArrayList<>();
        for (String line : lines(f, "fine")) {
            fine.add(numbers(line, 4));
        }
        List<Map.Entry<Long, byte[]>> latency = new ArrayList<>();
        int histograms = count(Long.parseLong(take(f, "latency.count")), "latency histograms");
        for (int i = 0; i < histograms; i++) {
            String[] parts = take(f, "latency." + i).split(" ", 2);
            if (parts.length != 2) {
                throw new UndecodableStateException("latency." + i + " is not <start> <histogram>");
            }
            latency.add(Map.entry(Long.parseLong(parts[0]), Base64.getDecoder().decode(parts[1])));
        }
        Saved saved = new Saved(take(f, "operation"), positive(Long.parseLong(take(f, "fine.width")), "fine bucket width"),
                positive(Long.parseLong(take(f, "coarse.width")), "coarse bucket width"), Long.parseLong(take(f, "latency.width")),
                Long.parseLong(take(f, "folded.end")), Boolean.parseBoolean(take(f, "exhausted.error")),
                Boolean.parseBoolean(take(f, "exhausted.latency")), firing, coarse, fine, latency);
        take(f, "saved.at"); // for people reading a dump
        if (!f.isEmpty()) {
            throw new UndecodableStateException("unknown fields " + f.keySet());
        }
        return saved;
    }

    /** @return the lines of a list field, checked against its {@code .count} */
    private static List<String> lines(Map<String, String> f, String name) throws UndecodableStateException {
        int n = count(Long.parseLong(take(f, name + ".count")), name);
        String text = take(f, name);
        List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
        if (lines.size() != n) {
            throw new UndecodableStateException(name + " has " + lines.size() + " lines, " + name + ".count says " + n);
        }
        return lines;
    }

    private static String take(Map<String, String> f, String name) throws UndecodableStateException {
        String value = f.remove(name);
        if (value == null) {
            throw new UndecodableStateException("field " + name + " is missing");
        }
        return value;
    }

    private static long[] numbers(String line, int n) throws UndecodableStateException {
        String[] parts = line.split(",");
        if (parts.length != n) {
            throw new UndecodableStateException("bucket '" + line + "' has not " + n + " numbers");
        }
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = Long.parseLong(parts[i]);
        }
        return values;
    }

    /** Reads the binary record of the bundle's first version (payload version 1). */
    private static Saved readLegacy(byte[] record) throws IOException, UndecodableStateException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
        in.readInt(); // magic
        int version = in.readInt();
        if (version != 1) {
            throw new UndecodableStateException("payload version " + version + " of the old binary format, this bundle "
                    + "reads version 1 of it");
        }
        try {
            String operation = in.readUTF();
            in.readLong(); // saved at
            long fineWidth = positive(in.readLong(), "fine bucket width");
            long coarseWidth = positive(in.readLong(), "coarse bucket width");
            long latencyWidth = in.readLong();
            long foldedEndWall = in.readLong();
            boolean errorExhausted = in.readBoolean();
            boolean latencyExhausted = in.readBoolean();
            Map<String, Boolean> firing = new LinkedHashMap<>();
            for (int i = count(in.readInt(), "alerts"); i > 0; i--) {
                firing.put(in.readUTF(), in.readBoolean());
            }
            List<long[]> coarse = new ArrayList<>();
            for (int i = count(in.readInt(), "coarse buckets"); i > 0; i--) {
                coarse.add(new long[] {in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong()});
            }
            List<long[]> fine = new ArrayList<>();
            for (int i = count(in.readInt(), "fine buckets"); i > 0; i--) {
                fine.add(new long[] {in.readLong(), in.readLong(), in.readLong(), in.readLong()});
            }
            List<Map.Entry<Long, byte[]>> latency = new ArrayList<>();
            for (int i = count(in.readInt(), "latency histograms"); i > 0; i--) {
                long start = in.readLong();
                byte[] b = new byte[count(in.readInt(), "histogram bytes")];
                in.readFully(b);
                latency.add(Map.entry(start, b));
            }
            if (in.read() != -1) {
                throw new UndecodableStateException("trailing bytes after the record");
            }
            return new Saved(operation, fineWidth, coarseWidth, latencyWidth, foldedEndWall, errorExhausted,
                    latencyExhausted, firing, coarse, fine, latency);
        } catch (EOFException e) {
            throw new UndecodableStateException("record ends early", e);
        }
    }

    private static void apply(OperationBudget budget, Saved saved) throws UndecodableStateException, DataFormatException {
        if (!saved.operation().equals(budget.operation())) {
            throw new UndecodableStateException("record of operation '" + saved.operation() + "', expected '"
                    + budget.operation() + "'");
        }
        if (saved.latencyWidth() < 0) {
            throw new UndecodableStateException("negative latency bucket width");
        }
        Map<String, Boolean> firing = budget.firing();
        firing.clear();
        saved.firing().forEach((key, on) -> {
            if (key.startsWith(BudgetKind.ERROR.id() + "/") || key.startsWith(BudgetKind.LATENCY.id() + "/")) {
                firing.put(key, on);
            }
        });
        CoarseRing coarse = budget.coarse();
        for (long[] e : saved.coarse()) {
            coarse.add(Math.floorDiv(e[0], coarse.widthNanos()), counted(e[1]), counted(e[2]), counted(e[3]), counted(e[4]));
        }
        FineRing fine = budget.fine();
        long fineWidth = saved.fineWidth();
        boolean sameFine = fineWidth == fine.widthNanos();
        long errorPpm = Ratios.budgetPpm(budget.settings().objective());
        for (long[] e : saved.fine()) {
            long start = e[0];
            long t = counted(e[1]);
            long b = counted(e[2]);
            long s = counted(e[3]);
            if (sameFine && fine.add(Math.floorDiv(start, fineWidth), t, b, s)) {
                continue;
            }
            if (start >= saved.foldedEndWall()) {
                // Cannot keep it at fine resolution: count it in its coarse bucket at once.
                coarse.add(Math.floorDiv(start, coarse.widthNanos()), t, b, s, Ratios.over(b, t, errorPpm) ? fineWidth : 0);
            }
        }
        long foldedThrough = sameFine ? Math.floorDiv(saved.foldedEndWall(), fineWidth) - 1 : Long.MAX_VALUE;
        LatencyRing latency = budget.latency();
        for (Map.Entry<Long, byte[]> e : saved.latency()) {
            if (latency != null) {
                Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(e.getValue()), latency.highestNanos());
                latency.add(Math.floorDiv(e.getKey(), latency.widthNanos()), h);
            }
        }
        // With another fine width, unfolded buckets went straight to coarse: fold from now on.
        budget.foldedThrough(foldedThrough == Long.MAX_VALUE ? budget.foldedThrough() : foldedThrough);
        budget.exhausted(saved.errorExhausted(), saved.latencyExhausted() && latency != null);
        budget.foldNow();
    }

    private static long positive(long v, String what) throws UndecodableStateException {
        if (v <= 0) {
            throw new UndecodableStateException(what + " is " + v);
        }
        return v;
    }

    private static int count(long v, String what) throws UndecodableStateException {
        if (v < 0 || v > StateStore.MAX_RECORD_BYTES) {
            throw new UndecodableStateException("implausible number of " + what + ": " + v);
        }
        return (int) v;
    }

    private static long counted(long v) throws UndecodableStateException {
        if (v < 0) {
            throw new UndecodableStateException("negative count " + v);
        }
        return v;
    }
}
