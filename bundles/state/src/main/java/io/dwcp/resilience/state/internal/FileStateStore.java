package io.dwcp.resilience.state.internal;

import io.dwcp.resilience.api.state.StateStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * A {@link StateStore} of one file per key in a directory.
 *
 * <p>File layout: the 8-byte magic {@code DWCPST01}, the payload length (int), the CRC-32C of the
 * payload (long), the payload. A save writes a temporary file, forces it to disk and renames it over
 * the old one, so a crash leaves the old record or the new one. A record whose magic, length or
 * checksum does not match is renamed to {@code <file>.corrupt-<millis>} and reported, never returned.
 */
final class FileStateStore implements StateStore {

    private static final byte[] MAGIC = "DWCPST01".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + Integer.BYTES + Long.BYTES;
    private static final String SUFFIX = ".state";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");

    /** Told of every record set aside. */
    interface CorruptionReporter {
        void corrupt(String key, Path setAside, String reason);
    }

    private final Path directory;
    private final CorruptionReporter reporter;
    private final java.util.function.LongSupplier wallClock;

    FileStateStore(Path directory, CorruptionReporter reporter, java.util.function.LongSupplier wallClock)
            throws IOException {
        this.directory = Files.createDirectories(directory);
        this.reporter = reporter;
        this.wallClock = wallClock;
    }

    @Override
    public synchronized Optional<byte[]> load(String key) throws IOException {
        Path file = fileOf(key);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String problem = check(bytes);
        if (problem != null) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + wallClock.getAsLong());
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            reporter.corrupt(key, aside, problem);
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(bytes, HEADER, bytes.length));
    }

    @Override
    public synchronized void save(String key, byte[] record) throws IOException {
        Path file = fileOf(key);
        if (record.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("state record '" + key + "' refused: " + record.length
                    + " bytes is more than the " + MAX_RECORD_BYTES + " a record may have");
        }
        CRC32C crc = new CRC32C();
        crc.update(record);
        ByteBuffer buffer = ByteBuffer.allocate(HEADER + record.length);
        buffer.put(MAGIC).putInt(record.length).putLong(crc.getValue()).put(record).flip();

        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    @Override
    public synchronized boolean delete(String key) throws IOException {
        boolean deleted = Files.deleteIfExists(fileOf(key));
        if (deleted) {
            syncDirectory();
        }
        return deleted;
    }

    @Override
    public synchronized Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                keys.add(name.substring(0, name.length() - SUFFIX.length()).replace('%', '/'));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list state records in " + directory, e);
        }
        return keys;
    }

    private Path fileOf(String key) {
        if (key == null || key.length() > 128 || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("invalid state key '" + key
                    + "': expected 1-128 characters of [A-Za-z0-9._/-], segments not starting with '.'");
        }
        // '%' is not allowed in keys, so replacing '/' with it is reversible and keeps one flat folder.
        return directory.resolve(key.replace('/', '%') + SUFFIX);
    }

    /** @return why the bytes are not a valid record, or null */
    private static String check(byte[] bytes) {
        if (bytes.length < HEADER) {
            return "truncated: " + bytes.length + " bytes, shorter than the " + HEADER + "-byte header";
        }
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return "not a state record (bad magic)";
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, MAGIC.length, Integer.BYTES + Long.BYTES);
        int length = header.getInt();
        long expected = header.getLong();
        if (length != bytes.length - HEADER) {
            return "torn: header says " + length + " payload bytes, file has " + (bytes.length - HEADER);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, HEADER, length);
        if (crc.getValue() != expected) {
            return "checksum mismatch: the payload was altered or partly written";
        }
        return null;
    }

    private void syncDirectory() {
        // Makes the rename itself durable; not every file system lets a directory be opened.
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the data is on disk; only the rename may be replayed by the file system's journal
        }
    }
}
