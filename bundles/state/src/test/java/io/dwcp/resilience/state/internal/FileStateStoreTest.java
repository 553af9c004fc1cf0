package io.dwcp.resilience.state.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStateStoreTest {

    @TempDir
    Path dir;

    private final List<String> reports = new ArrayList<>();

    private FileStateStore store() throws IOException {
        return new FileStateStore(dir, (key, aside, reason) -> reports.add(key + ": " + reason + " -> "
                + aside.getFileName()), () -> 1234L);
    }

    @Test
    void aSavedRecordIsLoadedBackByAnotherStoreOverTheSameFolder() throws IOException {
        store().save("circuit-breaker/send", "OPEN until 42".getBytes(StandardCharsets.UTF_8));
        FileStateStore reopened = store();
        assertEquals("OPEN until 42", new String(reopened.load("circuit-breaker/send").orElseThrow(),
                StandardCharsets.UTF_8));
        assertEquals(Set.of("circuit-breaker/send"), reopened.keys());
        assertTrue(reopened.load("circuit-breaker/receive").isEmpty());
    }

    @Test
    void aSaveReplacesTheRecordAndDeleteRemovesIt() throws IOException {
        FileStateStore store = store();
        store.save("slo/send", new byte[] {1});
        store.save("slo/send", new byte[] {2, 3});
        assertArrayEquals(new byte[] {2, 3}, store.load("slo/send").orElseThrow());
        assertTrue(store.delete("slo/send"));
        assertFalse(store.delete("slo/send"));
        assertTrue(store.load("slo/send").isEmpty());
        assertTrue(store.keys().isEmpty());
    }

    @Test
    void aTornRecordIsSetAsideReportedAndNotReturned() throws IOException {
        FileStateStore store = store();
        store.save("slo/sync", "0123456789".getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("slo%sync.state");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3)); // a crash mid-write

        assertTrue(store.load("slo/sync").isEmpty());
        assertEquals(List.of("slo/sync: torn: header says 10 payload bytes, file has 7 -> slo%sync.state.corrupt-1234"),
                reports);
        assertTrue(Files.exists(dir.resolve("slo%sync.state.corrupt-1234")), "kept for inspection");
        assertTrue(store.load("slo/sync").isEmpty());
        assertEquals(1, reports.size(), "reported once: the record is no longer there");
    }

    @Test
    void aFlippedBitIsCaughtByTheChecksum() throws IOException {
        FileStateStore store = store();
        store.save("rate-limit/send", "limit=1000".getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("rate-limit%send.state");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(file, bytes);
        assertTrue(store.load("rate-limit/send").isEmpty());
        assertTrue(reports.get(0).contains("checksum mismatch"), reports.toString());
    }

    @Test
    void aForeignOrTruncatedFileIsNotTrusted() throws IOException {
        FileStateStore store = store();
        Files.writeString(dir.resolve("x.state"), "hello, I am not a record");
        Files.write(dir.resolve("y.state"), new byte[] {1, 2});
        assertTrue(store.load("x").isEmpty());
        assertTrue(store.load("y").isEmpty());
        assertTrue(reports.get(0).contains("bad magic"), reports.toString());
        assertTrue(reports.get(1).contains("truncated"), reports.toString());
    }

    @Test
    void badKeysAndOversizedRecordsAreRefusedWithoutWritingAnything() throws IOException {
        FileStateStore store = store();
        for (String bad : new String[] {"", "../etc/passwd", "a//b", "a b", ".hidden", "x".repeat(129)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.save(bad, new byte[1]));
            assertTrue(e.getMessage().contains("invalid state key"), e.getMessage());
        }
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> store.save("big", new byte[io.dwcp.resilience.api.state.StateStore.MAX_RECORD_BYTES + 1]));
        assertTrue(big.getMessage().contains("'big'"), big.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
