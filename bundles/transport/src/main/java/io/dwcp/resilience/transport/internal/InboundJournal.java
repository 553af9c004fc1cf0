package io.dwcp.resilience.transport.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The receiving node's memory of what it handed to its application, kept across a crash: one text
 * line per event, appended with a single {@code write} before the event has any effect outside the
 * node.
 *
 * <ul>
 *   <li>{@code T <sender> <id>}: the message was <em>taken</em>, written before {@code receive}
 *       returns it;</li>
 *   <li>{@code C <sender> <id>}: the application came back for more, so it is done with that message:
 *       <em>confirmed</em>, written before the ACK goes out;</li>
 *   <li>{@code F <sender> <id>}: ids up to this one were forgotten by the de-duplication window
 *       (written by compaction only).</li>
 * </ul>
 *
 * <p>After a restart, {@link #load} replays the lines into fresh windows: a confirmed id is a
 * duplicate to acknowledge again, a taken-but-not-confirmed id is <em>in doubt</em> (the application
 * may or may not have finished with it before the crash), to be refused, never delivered again.
 *
 * <p>A {@code write} that returned is in the operating system's page cache: it survives the death of
 * the process (SIGKILL, an OutOfMemoryError), not a crash of the machine; no {@code fsync} per message.
 * The file is rewritten from the windows (compaction) once it holds more than twice their lines,
 * streamed beside it and renamed over it.
 * Not thread-safe: the caller serialises access.
 */
final class InboundJournal implements AutoCloseable {

    /** Lines appended since the last compaction before the next one is due, per window entry. */
    private static final int COMPACT_FACTOR = 2;

    private final Path file;
    private FileChannel out;
    private long linesSinceCompaction;
    /** Lines the last compaction wrote (0 until one ran): it writes two per confirmed id, more than the ids held. */
    private long linesOfLastCompaction;
    /** One appended line: kind, node id (at most 64 ASCII characters), a long in decimal, separators. */
    private static final int MAX_LINE = 2 + 64 + 1 + 20 + 1;
    /** A compaction writes through this much memory, whatever the windows' size. */
    private static final int COMPACTION_BUFFER = 64 * 1024;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE);
    /** The digits of one id while it is written (the caller serialises access). */
    private final byte[] digits = new byte[19];

    private InboundJournal(Path file, FileChannel out, long lines) {
        this.file = file;
        this.out = out;
        this.linesSinceCompaction = lines;
    }

    /** The windows rebuilt from a journal, and the journal open for appending. */
    record Loaded(InboundJournal journal, Map<String, DedupWindow> windows, long inDoubt, long confirmed, long badLines) {
    }

    /**
     * Replays the journal (creating it when absent) into windows of the given size, then opens it for
     * appending.
     *
     * @param file       the journal file
     * @param windowSize the de-duplication window per sender
     */
    static Loaded load(Path file, int windowSize) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        // A compaction the process died in leaves its half-written file beside the journal: the journal
        // itself is whole (the rename is the compaction's commit), so the leftover is only removed.
        Files.deleteIfExists(tmpOf(file));
        Map<String, DedupWindow> windows = new TreeMap<>();
        Function<String, DedupWindow> create = s -> new DedupWindow(windowSize);
        long lines = 0;
        long bad = 0;
        if (Files.exists(file)) {
            // line by line: the journal is several MB at the default window, never held whole
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines++;
                    String[] w = line.split(" ");
                    long id;
                    try {
                        if (w.length != 3 || !TransportSettings.NODE_ID.matcher(w[1]).matches()) {
                            throw new NumberFormatException();
                        }
                        id = Long.parseLong(w[2]);
                    } catch (NumberFormatException e) {
                        bad++; // a torn last line (the process died inside a write) or a foreign file
                        continue;
                    }
                    DedupWindow window = windows.computeIfAbsent(w[1], create);
                    switch (w[0]) {
                        case "T" -> window.replayTaken(id);
                        case "C" -> window.replayConfirmed(id);
                        case "F" -> window.forgetUpTo(id);
                        default -> bad++;
                    }
                }
            }
        }
        long inDoubt = 0;
        long confirmed = 0;
        for (DedupWindow w : windows.values()) {
            inDoubt += w.takenBecomeInDoubt();
            confirmed += w.count(DedupWindow.State.CONFIRMED);
        }
        boolean torn = false;
        if (Files.exists(file) && Files.size(file) > 0) {
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer last = ByteBuffer.allocate(1);
                in.read(last, in.size() - 1);
                torn = last.get(0) != '\n';
            }
        }
        FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (torn) {
            out.write(ByteBuffer.wrap(new byte[] {'\n'})); // end a torn line, so the next one stands alone
        }
        InboundJournal journal = new InboundJournal(file, out, lines);
        return new Loaded(journal, windows, inDoubt, confirmed, bad);
    }

    /** @return the journal's file */
    Path file() {
        return file;
    }

    /** Records that a message is about to be handed to the application. */
    void taken(String sender, long id) throws IOException {
        append('T', sender, id);
    }

    /** Records that the application is done with a message, before its ACK goes out. */
    void confirmed(String sender, long id) throws IOException {
        append('C', sender, id);
    }

    private void append(char kind, String sender, long id) throws IOException {
        buffer.clear();
        encode(buffer, kind, sender, id);
        buffer.flip();
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        linesSinceCompaction++;
    }

    /** @return whether the file holds enough lines beyond the windows' content to be worth rewriting */
    boolean compactionDue(Map<String, DedupWindow> windows) {
        // asked on every confirmation: answer from the line counts alone until they could make it due
        if (linesSinceCompaction <= COMPACT_FACTOR * Math.max(linesOfLastCompaction, 1024)) {
            return false;
        }
        long live = 0;
        for (DedupWindow w : windows.values()) {
            live += w.size();
        }
        // Measured against what a compaction would write, not only the ids held: otherwise, once a
        // window is full, every confirmation rewrites the whole journal (found by TransportThroughput).
        return linesSinceCompaction > COMPACT_FACTOR * Math.max(Math.max(live, linesOfLastCompaction), 1024);
    }

    /**
     * Rewrites the journal from copies of the windows: per sender the forgotten bound, then every id
     * taken or confirmed, oldest first (the same lines as appending writes). Streamed through a small
     * buffer into a file beside the journal and then renamed over it, so a process that dies during a
     * compaction leaves the old journal whole (its leftover is removed by {@link #load}); a compaction
     * that fails leaves the journal whole and still open for appending. Like every append, not forced
     * to the disk: the journal survives the death of the process, not of the machine.
     *
     * @param windows per sender, what {@link DedupWindow#handedOver()} copied
     */
    void compact(Map<String, DedupWindow.HandedOver> windows) throws IOException {
        Path tmp = tmpOf(file);
        FileChannel next = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        long lines = 0;
        try {
            ByteBuffer chunk = ByteBuffer.allocate(COMPACTION_BUFFER);
            for (Map.Entry<String, DedupWindow.HandedOver> e : windows.entrySet()) {
                String sender = e.getKey();
                DedupWindow.HandedOver w = e.getValue();
                if (w.forgets()) {
                    line(next, chunk, 'F', sender, w.forgottenMax());
                    lines++;
                }
                for (int i = 0; i < w.count(); i++) {
                    long id = w.id(i);
                    line(next, chunk, 'T', sender, id);
                    lines++;
                    if (w.confirmed(i)) {
                        line(next, chunk, 'C', sender, id);
                        lines++;
                    }
                }
            }
            drain(next, chunk);
            // the new file's channel is positioned at its end: it is the journal's append channel from the rename on
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            next.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
        FileChannel old = out;
        out = next;
        try {
            old.close();
        } catch (IOException e) {
            // the old file is replaced; closing it cannot lose a line
        }
        linesSinceCompaction = lines;
        linesOfLastCompaction = lines;
    }

    /** @return where a compaction writes before it renames over the journal */
    static Path tmpOf(Path journal) {
        return journal.resolveSibling(journal.getFileName() + ".tmp");
    }

    /** Puts one journal line into the buffer, writing the buffer out first when the line might not fit. */
    private void line(FileChannel to, ByteBuffer chunk, char kind, String sender, long id) throws IOException {
        if (chunk.remaining() < MAX_LINE) {
            drain(to, chunk);
        }
        encode(chunk, kind, sender, id);
    }

    private static void drain(FileChannel to, ByteBuffer chunk) throws IOException {
        chunk.flip();
        while (chunk.hasRemaining()) {
            to.write(chunk);
        }
        chunk.clear();
    }

    /** {@code <kind> <sender> <id>\n} in ASCII, without an intermediate String. */
    private void encode(ByteBuffer to, char kind, String sender, long id) {
        to.put((byte) kind).put((byte) ' ');
        for (int i = 0; i < sender.length(); i++) {
            to.put((byte) sender.charAt(i)); // node ids are ASCII (TransportSettings.NODE_ID)
        }
        to.put((byte) ' ');
        putDecimal(to, id, digits);
        to.put((byte) '\n');
    }

    /** The id in decimal as {@link Long#toString(long)} writes it, every long included. */
    static void putDecimal(ByteBuffer to, long value, byte[] digits) {
        if (value < 0) {
            to.put((byte) '-');
        }
        // digits of a negative value (-Long.MIN_VALUE does not exist), least significant first, into the
        // scratch array (19 bytes), then one bulk put: a compaction writes 131 072 ids under the journal's lock
        long v = value < 0 ? value : -value;
        int i = digits.length;
        do {
            long q = v / 10;
            digits[--i] = (byte) ('0' + (int) (q * 10 - v));
            v = q;
        } while (v != 0);
        to.put(digits, i, digits.length - i);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
