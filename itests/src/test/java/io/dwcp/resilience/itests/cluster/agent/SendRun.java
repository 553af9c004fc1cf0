package io.dwcp.resilience.itests.cluster.agent;

import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.TransportException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One numbered batch of messages from this node to one peer, sent by a fixed number of threads
 * through the {@link DWCPManager} (so through the full chain). Every message gets exactly one
 * outcome: acknowledged (with the transport's message id) or failed (with what the sender saw).
 * When the last thread ends, the outcomes are written to {@code sent-<run>.log}, one line a message:
 * {@code A <seq> <messageId>} or {@code F <seq> <exception>}.
 */
final class SendRun {

    private final String run;
    private final String peer;
    private final int count;
    private final int size;
    private final Duration timeout;
    private final Supplier<DWCPManager> manager;
    private final Path ledger;

    private final AtomicInteger nextSeq = new AtomicInteger();
    private final AtomicInteger acked = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final long[] messageIds;
    private final String[] failures;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean written;
    private final long startNanos = System.nanoTime();
    /** The first failure of each kind: when, and the sender's degradation levels at that moment (why it shed). */
    private final java.util.concurrent.ConcurrentHashMap<String, String> firsts = new java.util.concurrent.ConcurrentHashMap<>();

    SendRun(String run, String peer, int count, int size, Duration timeout, Supplier<DWCPManager> manager, Path dir) {
        this.run = run;
        this.peer = peer;
        this.count = count;
        this.size = size;
        this.timeout = timeout;
        this.manager = manager;
        this.ledger = dir.resolve("sent-" + run + ".log");
        this.messageIds = new long[count];
        this.failures = new String[count];
    }

    void start(int concurrency) {
        running.set(concurrency);
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(this::sendLoop, "cluster-agent-send-" + run + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** The payload: a header the receiver's ledger parses, padded to the requested size. */
    static byte[] payload(String run, int seq, int size) {
        byte[] header = (run + " " + seq + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[Math.max(size, header.length)];
        System.arraycopy(header, 0, bytes, 0, header.length);
        for (int i = header.length; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + (seq + i) % 26);
        }
        return bytes;
    }

    /**
     * Each thread is a client that backs off after a failure, as a real one would (10 ms, doubling to
     * 1 s, reset by a success): otherwise sixteen threads drain a run through an open breaker in a
     * second, and a case would show the fault but never the recovery after it.
     */
    private static final long BACKOFF_MIN_MS = 10;
    private static final long BACKOFF_MAX_MS = 1_000;

    private void sendLoop() {
        long backoffMs = 0;
        try {
            while (true) {
                if (backoffMs > 0) {
                    Thread.sleep(backoffMs); // the client's back-off, not a timing assumption of the test
                }
                int seq = nextSeq.getAndIncrement();
                if (seq >= count) {
                    break;
                }
                byte[] bytes = payload(run, seq, size);
                try {
                    DWCPManager m = manager.get();
                    if (m == null) {
                        throw new IllegalStateException("no DWCPManager service");
                    }
                    messageIds[seq] = m.send(peer, bytes, timeout);
                    acked.incrementAndGet();
                    backoffMs = 0;
                } catch (InterruptedException e) {
                    failures[seq] = "InterruptedException";
                    failed.incrementAndGet();
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception | LinkageError e) {
                    failures[seq] = describe(e);
                    failed.incrementAndGet();
                    firsts.computeIfAbsent(failures[seq], k -> first(e));
                    backoffMs = Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_MIN_MS, backoffMs * 2));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopped while backing off: the message was not taken yet
        } finally {
            if (running.decrementAndGet() == 0) {
                write();
            }
        }
    }

    private String first(Throwable e) {
        String when = String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
        DWCPManager m = manager.get();
        String levels;
        try {
            levels = m == null ? "no manager" : ClusterAgent.levels(m);
        } catch (RuntimeException x) {
            levels = "levels unavailable: " + x;
        }
        return "at " + when + " (" + String.valueOf(e.getMessage()).replace('\n', ' ') + "), sender " + levels;
    }

    /** @return the first failure of each kind, one per line joined by " | " */
    String firsts() {
        return firsts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).sorted()
                .collect(java.util.stream.Collectors.joining(" | "));
    }

    private static String describe(Throwable e) {
        String name = e.getClass().getSimpleName();
        return e instanceof TransportException te ? name + ":" + te.kind() : name;
    }

    private synchronized void write() {
        Path tmp = ledger.resolveSibling(ledger.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            int n = Math.min(count, nextSeq.get());
            for (int seq = 0; seq < n; seq++) {
                if (failures[seq] != null) {
                    w.write("F " + seq + " " + failures[seq] + "\n");
                } else {
                    w.write("A " + seq + " " + messageIds[seq] + "\n");
                }
            }
            w.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + ledger, e);
        }
        try {
            Files.move(tmp, ledger, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + ledger, e);
        }
        written = true;
    }

    /** @return {@code <acked> <failed> <done>}; done once every outcome is in the ledger file */
    String progress() {
        return acked.get() + " " + failed.get() + " " + written;
    }

    void interrupt() {
        threads.forEach(Thread::interrupt);
    }
}
