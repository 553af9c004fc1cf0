package io.dwcp.resilience.itests.cluster.agent;

import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.InboundMessage;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The receiving side: takes every inbound message through {@link DWCPManager#receive} (so through the
 * receive chain) and appends one line per message to {@code delivered.log}:
 * {@code <sender> <run> <seq> <messageId>}. Each line is written with its own {@code write} call
 * before the next message is taken, so a process that is killed loses no line the OS has seen;
 * a restarted node appends to the same file, so a message delivered once before and once after a
 * restart shows up twice.
 */
final class DeliveryLedger implements Runnable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final Supplier<DWCPManager> manager;
    private final FileOutputStream out;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong receiveFailures = new AtomicLong();
    private volatile String lastFailure = "";
    private volatile boolean stopped;

    DeliveryLedger(Supplier<DWCPManager> manager, Path dir) throws IOException {
        this.manager = manager;
        this.out = new FileOutputStream(dir.resolve("delivered.log").toFile(), true);
    }

    @Override
    public void run() {
        while (!stopped) {
            DWCPManager m = manager.get();
            try {
                if (m == null) {
                    Thread.sleep(POLL.toMillis()); // waits for the transport bundle, not for timing
                    continue;
                }
                Optional<InboundMessage> message = m.receive(POLL);
                if (message.isPresent()) {
                    record(message.get());
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // a failed receive (e.g. the manager updating) loses nothing: the message stays queued
                receiveFailures.incrementAndGet();
                lastFailure = e.toString();
            }
        }
    }

    private void record(InboundMessage message) throws IOException {
        byte[] p = message.payload();
        int end = 0;
        while (end < p.length && end < 200 && p[end] != '\n') {
            end++;
        }
        String header = end < p.length && p[end] == '\n'
                ? new String(p, 0, end, StandardCharsets.US_ASCII) : "- -";
        String line = message.sender() + " " + header + " " + message.messageId() + "\n";
        synchronized (out) {
            out.write(line.getBytes(StandardCharsets.US_ASCII));
        }
        delivered.incrementAndGet();
    }

    /** @return {@code <delivered> <receiveFailures> <lastFailure>} since this incarnation started */
    String progress() {
        return delivered.get() + " " + receiveFailures.get() + " " + lastFailure;
    }

    void stop() {
        stopped = true;
    }

    void close() throws IOException {
        synchronized (out) {
            out.close();
        }
    }
}
