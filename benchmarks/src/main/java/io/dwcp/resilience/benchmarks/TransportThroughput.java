package io.dwcp.resilience.benchmarks;

import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.transport.ConnectionState;
import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.DWCPTransport;
import io.dwcp.resilience.api.transport.PeerStatus;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Throughput from node A to node B on loopback, 1 KiB messages, 64 concurrent senders in node A,
 * closed loop: the raw transport ({@link DWCPTransport#send} at A, {@link DWCPTransport#receive} at
 * B, no chain) against the full default chain as the runtime wires it ({@link DWCPManager#send} at
 * A, {@link DWCPManager#receive} at B: every stage bundle of the runtime jar, the shipped
 * {@code runtime/conf}, chaos not allowed, so disarmed). Both nodes are real runtimes
 * ({@link EmbeddedRuntime}: the runtime jar's bundles and a copy of the shipped configuration in an
 * embedded Felix each), in this JVM.
 *
 * <p>Not JMH: a send that the chain refuses (a rate limiter, a load shedder) must be counted as a
 * failure, apart, not as an operation, and the two paths are measured in alternating rounds on the
 * same two nodes so that the ratio compares like with like on a noisy machine. THE figure is the median
 * of the per-pair chain/raw throughput ratios (adjacent rounds, so a drift of the machine cancels out),
 * with the mean and its 95 % interval; the ratio of the median rounds is printed beside it. A pair in
 * which either round saw the host's steal share above {@code bench.max.steal} is left out of the figures
 * (the count dropped is printed): the host taking the CPU slows whichever path runs then. As a second,
 * steal-robust view, each round's CPU time of this JVM (both nodes, senders and receivers) per
 * acknowledged message, and the median of its per-pair chain/raw ratios. Each round also prints the
 * load average at its start, the GCs during it, the heap used and node B's inbound journal size after
 * it, so a slow round can be explained. Each round reports acknowledged msg/s, CPU µs per message, the
 * P50/P99/P99.9 latency of acknowledged sends (HdrHistogram) and failures by exception class. A sender
 * whose send failed backs off (1 ms doubling to 100 ms, reset by a success) as a real client would.
 *
 * <p>Run from the repository root, after {@code ./mvnw -B -o package -DskipTests -pl runtime,benchmarks -am}:
 * {@code java -cp benchmarks/target/benchmarks.jar io.dwcp.resilience.benchmarks.TransportThroughput}.
 * Options (system properties): {@code bench.rounds} (20 per path, in ABBA order: raw then chain, then
 * chain then raw, ...), {@code bench.seconds} (3 per round), {@code bench.max.steal} (5: percent of the
 * machine's CPU ticks), {@code bench.warmup.seconds} (10 per path), {@code bench.threads} (64), {@code bench.size} (1024),
 * {@code bench.receivers} (4 application threads at B), {@code bench.limiter} ({@code lifted}, the
 * default: the adaptive send rate limiter's rates raised out of reach in both nodes' configuration, as
 * {@link FullChainBenchmark} does, so the figure is the chain's own cost and not the shipped
 * {@code max.rate} of 10 000 sends/s; or {@code shipped}), {@code bench.set}
 * ({@code file:key=value;...}: other changes to the copied configuration, for experiments to be stated
 * with their figures). A chain round also lists the send attempts the timeout stage cut and the retry
 * stage retried (the caller saw neither: its send succeeded), which is where a long chain tail comes from.
 */
public final class TransportThroughput {

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 20);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 3);
    /** A pair of rounds is left out of the figures when either round's host steal share is above this (percent). */
    private static final double MAX_STEAL = Double.parseDouble(System.getProperty("bench.max.steal", "5"));
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup.seconds", 10);
    private static final int THREADS = Integer.getInteger("bench.threads", 64);
    private static final int SIZE = Integer.getInteger("bench.size", 1024);
    private static final int RECEIVERS = Integer.getInteger("bench.receivers", 4);
    private static final String LIMITER = System.getProperty("bench.limiter", "lifted");
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private TransportThroughput() {
    }

    /** One round's figures. */
    record Round(String path, long acked, long failed, double seconds, Histogram latency, Map<String, Long> failures, String context,
            long cpuNanos, double stealPercent) {
        double perSecond() {
            return acked / seconds;
        }

        /** This JVM's CPU time (both nodes, senders and receivers) per acknowledged message, in µs: steal-robust. */
        double cpuMicrosPerMessage() {
            return acked == 0 ? Double.NaN : cpuNanos / 1e3 / acked;
        }

        double micros(double percentile) {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1e3;
        }

        String line() {
            return String.format(Locale.ROOT, "  %-5s %8.0f msg/s  CPU %6.2f µs/msg  p50 %8.1f µs  p99 %8.1f µs  p99.9 %8.1f µs  acked %d  failed %d  [%s] %s",
                    path, perSecond(), cpuMicrosPerMessage(), micros(50), micros(99), micros(99.9), acked, failed, context,
                    failures.isEmpty() ? "" : failures);
        }
    }

    public static void main(String[] args) throws Exception {
        if (!LIMITER.equals("shipped") && !LIMITER.equals("lifted")) {
            throw new IllegalArgumentException("bench.limiter must be shipped or lifted, not " + LIMITER);
        }
        String loadBefore = loadAverage();
        System.out.println("load average at start: " + loadBefore + " (1, 5, 15 min); " + Runtime.getRuntime().availableProcessors()
                + " cores; " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        String portA = freePort();
        String portB = freePort();
        EmbeddedRuntime.Builder a = node("nodeA", portA, "nodeB", portB);
        EmbeddedRuntime.Builder b = node("nodeB", portB, "nodeA", portA);
        try (EmbeddedRuntime nodeA = a.start(); EmbeddedRuntime nodeB = b.start()) {
            nodeA.awaitChain("send", StageKind.RATE_LIMIT, StageKind.BULKHEAD, StageKind.CIRCUIT_BREAKER, StageKind.RETRY,
                    StageKind.TIMEOUT);
            // B's receive chain is whole by design without rate limit, bulkhead and retry (ChainView.missing lists them):
            // awaitChain would wait for them; B's send chain is read from the same configuration folder, so once it is whole
            // FileInstall has delivered B's configurations too
            nodeB.awaitChain("send", StageKind.RATE_LIMIT, StageKind.BULKHEAD, StageKind.CIRCUIT_BREAKER, StageKind.RETRY,
                    StageKind.TIMEOUT);
            DWCPTransport rawA = nodeA.service(DWCPTransport.class);
            DWCPManager chainA = nodeA.service(DWCPManager.class);
            DWCPTransport rawB = nodeB.service(DWCPTransport.class);
            DWCPManager chainB = nodeB.service(DWCPManager.class);
            awaitConnected(chainA, "nodeB");
            System.out.printf(Locale.ROOT, "%d senders at nodeA, %d B messages, %d receivers at nodeB, rate limiter %s; "
                    + "nodeA send chain: %s%n", THREADS, SIZE, RECEIVERS, LIMITER, nodeA.manager().chain("send"));
            java.io.File journalB = journalOf(nodeB);
            System.out.println("each round: [load average (1 min) at its start, this JVM's CPU and the machine's busy and steal share during it, GCs and their time, heap used "
                    + "after it, nodeB's inbound journal size after it]");
            System.out.println("warm-up");
            System.out.println(round("raw", rawA, chainA, rawB, chainB, WARMUP_SECONDS, journalB).line());
            System.out.println(round("chain", rawA, chainA, rawB, chainB, WARMUP_SECONDS, journalB).line());
            System.out.println("measured");
            List<Round> raw = new ArrayList<>();
            List<Round> chain = new ArrayList<>();
            List<Double> pairRatios = new ArrayList<>();
            List<Double> cpuRatios = new ArrayList<>();
            int dropped = 0;
            for (int i = 0; i < ROUNDS; i++) {
                // ABBA order (raw, chain, then chain, raw, ...): a drift of the machine during the run (another
                // process, the heap, the journal, the JIT) weighs on both paths alike instead of always on the second
                Round r;
                Round c;
                if (i % 2 == 0) {
                    r = round("raw", rawA, chainA, rawB, chainB, SECONDS, journalB);
                    System.out.println(r.line());
                    c = round("chain", rawA, chainA, rawB, chainB, SECONDS, journalB);
                    System.out.println(c.line());
                } else {
                    c = round("chain", rawA, chainA, rawB, chainB, SECONDS, journalB);
                    System.out.println(c.line());
                    r = round("raw", rawA, chainA, rawB, chainB, SECONDS, journalB);
                    System.out.println(r.line());
                }
                // the host taking the CPU (steal) slows whichever path runs then: such a pair says nothing of the
                // chain; a steal share not known (no /proc/stat) counts as none
                if (r.stealPercent() > MAX_STEAL || c.stealPercent() > MAX_STEAL) {
                    dropped++;
                    System.out.printf(Locale.ROOT, "  pair %d dropped: host steal %.0f %% / %.0f %% (raw / chain) above %.0f %%%n", i + 1,
                            r.stealPercent(), c.stealPercent(), MAX_STEAL);
                    continue;
                }
                raw.add(r);
                chain.add(c);
                pairRatios.add(c.perSecond() / r.perSecond());
                cpuRatios.add(c.cpuMicrosPerMessage() / r.cpuMicrosPerMessage());
            }
            System.out.printf(Locale.ROOT, "%n%d of %d pairs kept, %d dropped for host steal above %.0f %% in either round%n", raw.size(),
                    ROUNDS, dropped, MAX_STEAL);
            if (raw.isEmpty()) {
                System.out.println("no pair left: no figure (the host's steal was above the threshold throughout)");
                System.exit(1);
            }
            Round r = median(raw);
            Round c = median(chain);
            List<Double> sortedRatios = new ArrayList<>(pairRatios);
            sortedRatios.sort(null);
            double pairMedian = medianOf(sortedRatios);
            double[] ci = meanInterval(pairRatios);
            List<Double> sortedCpu = new ArrayList<>(cpuRatios);
            sortedCpu.sort(null);
            double cpuMedian = medianOf(sortedCpu);
            double[] cpuCi = meanInterval(cpuRatios);
            System.out.printf(Locale.ROOT, "%n| path | msg/s | CPU µs/msg | P50 µs | P99 µs | P99.9 µs | failed |%n|---|---:|---:|---:|---:|---:|---:|%n");
            System.out.printf(Locale.ROOT, "| raw transport | %.0f | %.2f | %.0f | %.0f | %.0f | %d |%n", r.perSecond(),
                    medianCpu(raw), r.micros(50), r.micros(99), r.micros(99.9), r.failed());
            System.out.printf(Locale.ROOT, "| full default chain | %.0f | %.2f | %.0f | %.0f | %.0f | %d |%n", c.perSecond(),
                    medianCpu(chain), c.micros(50), c.micros(99), c.micros(99.9), c.failed());
            System.out.printf(Locale.ROOT, "%nTHE FIGURE: chain/raw throughput, median of the %d per-pair ratios %.3f (the chain costs %.1f %%); "
                    + "mean %.3f, 95 %% interval of the mean %.3f to %.3f (costs %.1f to %.1f %%); pairs from %.3f to %.3f; "
                    + "ratio of the median rounds %.3f (%.1f %%)%n", pairRatios.size(), pairMedian, 100 * (1 - pairMedian), ci[0], ci[1],
                    ci[2], 100 * (1 - ci[2]), 100 * (1 - ci[1]), sortedRatios.get(0), sortedRatios.get(sortedRatios.size() - 1),
                    c.perSecond() / r.perSecond(), 100 * (1 - c.perSecond() / r.perSecond()));
            System.out.printf(Locale.ROOT, "second view (steal-robust): chain/raw CPU time per message, median of the per-pair ratios %.3f "
                    + "(the chain adds %.1f %% CPU per message); mean %.3f, 95 %% interval %.3f to %.3f%n", cpuMedian, 100 * (cpuMedian - 1),
                    cpuCi[0], cpuCi[1], cpuCi[2]);
            System.out.printf(Locale.ROOT, "%d alternating (ABBA) rounds of %d s per path, %d pairs dropped for steal > %.0f %%; "
                    + "load average before %s, after %s; %d cores%n", ROUNDS, SECONDS, dropped, MAX_STEAL, loadBefore, loadAverage(),
                    Runtime.getRuntime().availableProcessors());
        }
        // Felix and Netty leave non-daemon threads behind on some JDKs; the measurement is over
        System.exit(0);
    }

    private static EmbeddedRuntime.Builder node(String id, String port, String peer, String peerPort) {
        EmbeddedRuntime.Builder b = EmbeddedRuntime.builder()
                .set("dwcp.transport.cfg", "node.id", id)
                .set("dwcp.transport.cfg", "listen.port", port)
                .set("dwcp.transport.cfg", "peers", peer + "=127.0.0.1:" + peerPort);
        if (LIMITER.equals("lifted")) {
            // as FullChainBenchmark lifts it: highest rate and burst
            b.set("dwcp.ratelimiter.adaptive-send.cfg", "initial.rate", "1000000")
                    .set("dwcp.ratelimiter.adaptive-send.cfg", "max.rate", "1000000")
                    .set("dwcp.ratelimiter.adaptive-send.cfg", "burst.ms", "1000");
        }
        // -Dbench.set=file:key=value;file:key=value changes the copied configuration (experiments, stated with the figures)
        for (String entry : System.getProperty("bench.set", "").split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            int eq = entry.indexOf('=', colon + 1);
            if (colon < 1 || eq < colon + 2) {
                throw new IllegalArgumentException("bench.set entries are file:key=value, not " + entry);
            }
            b.set(entry.substring(0, colon), entry.substring(colon + 1, eq), entry.substring(eq + 1));
        }
        return b;
    }

    /** One round of one path: THREADS senders at A for {@code seconds}, RECEIVERS application threads at B. */
    static Round round(String path, DWCPTransport rawA, DWCPManager chainA, DWCPTransport rawB, DWCPManager chainB, int seconds,
            java.io.File journalB) throws InterruptedException {
        boolean viaChain = path.equals("chain");
        String loadAtStart = loadAverage().split(" ")[0];
        long[] gcBefore = gcPauses();
        long cpuBefore = processCpuNanos();
        long[] stealBefore = cpuTicks();
        AtomicBoolean receiving = new AtomicBoolean(true);
        List<Thread> receivers = new ArrayList<>();
        for (int i = 0; i < RECEIVERS; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (receiving.get()) {
                        // coming back to receive acknowledges the message taken before
                        if (viaChain) {
                            chainB.receive(Duration.ofMillis(100));
                        } else {
                            rawB.receive(System.nanoTime() + 100_000_000L);
                        }
                    }
                    if (viaChain) {
                        chainB.receive(Duration.ZERO);
                    } else {
                        rawB.receive(System.nanoTime());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    System.err.println("receiver at nodeB failed: " + e);
                }
            }, "bench-receiver-" + i);
            t.setDaemon(true);
            receivers.add(t);
            t.start();
        }
        Recorder latencies = new Recorder(SEND_TIMEOUT.toNanos(), 3);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            byte[] payload = new byte[SIZE];
            // not compressible into anything smaller than itself: the shipped threshold (4 KiB) skips it anyway
            new java.util.Random(i).nextBytes(payload);
            Thread t = new Thread(() -> {
                long now = System.nanoTime();
                long backoffMillis = 0;
                while (now - end < 0) {
                    try {
                        if (viaChain) {
                            chainA.send("nodeB", payload, SEND_TIMEOUT);
                        } else {
                            rawA.send("nodeB", rawA.nextMessageId(), payload, now + SEND_TIMEOUT.toNanos());
                        }
                        long after = System.nanoTime();
                        latencies.recordValue(Math.min(after - now, SEND_TIMEOUT.toNanos()));
                        acked.incrementAndGet();
                        backoffMillis = 0;
                        now = after;
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                        // a client backs off after a refusal (1 ms doubling to 100 ms, reset by a success), as
                        // ClusterIT's senders do: a refused sender spinning would take the CPU from the ones sending
                        backoffMillis = Math.min(100, Math.max(1, backoffMillis * 2));
                        try {
                            Thread.sleep(backoffMillis);
                        } catch (InterruptedException ie) {
                            return;
                        }
                        now = System.nanoTime();
                    }
                }
            }, "bench-sender-" + i);
            t.setDaemon(true);
            senders.add(t);
            t.start();
        }
        for (Thread t : senders) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        receiving.set(false);
        for (Thread t : receivers) {
            t.join(5000);
        }
        Map<String, Long> byKind = new TreeMap<>();
        failures.forEach((k, v) -> byKind.put(k, v.get()));
        if (viaChain) {
            Map<String, Long> now = sendCounters(chainA);
            now.forEach((k, v) -> {
                long delta = v - LAST_COUNTERS.getOrDefault(k, 0L);
                if (delta != 0) {
                    byKind.put(k, delta);
                }
            });
            LAST_COUNTERS.clear();
            LAST_COUNTERS.putAll(now);
        }
        long[] gcAfter = gcPauses();
        long cpuNanos = processCpuNanos() - cpuBefore;
        double cpuCores = cpuNanos / 1e9 / elapsed;
        long[] stealAfter = cpuTicks();
        long ticks = stealAfter[0] - stealBefore[0];
        Runtime rt = Runtime.getRuntime();
        // this JVM's CPU (in cores) and the machine's busy/steal share: a round slowed by another process shows
        // as less CPU for this JVM with the machine as busy, or as steal time (the host), not as GC or journal
        String context = String.format(Locale.ROOT, "load %s, this JVM %.2f cores, machine busy %.0f %% steal %.0f %%, GC %d in %d ms, "
                + "heap %d MB, journal %s", loadAtStart, cpuCores, ticks == 0 ? Double.NaN : 100.0 * (stealAfter[1] - stealBefore[1]) / ticks,
                ticks == 0 ? Double.NaN : 100.0 * (stealAfter[2] - stealBefore[2]) / ticks,
                gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1], (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024),
                journalB == null ? "none" : (journalB.length() / 1024) + " KiB");
        double stealPercent = ticks == 0 ? 0 : 100.0 * (stealAfter[2] - stealBefore[2]) / ticks;
        return new Round(path, acked.get(), failed.get(), elapsed, latencies.getIntervalHistogram(), byKind, context, cpuNanos,
                stealPercent);
    }

    /** The send chain's counters at the end of the previous chain round. */
    private static final Map<String, Long> LAST_COUNTERS = new TreeMap<>();

    /**
     * The send chain's own events that a caller does not see as a failure: attempts cut by the timeout stage
     * and retried, so a round can say why its tail is long.
     */
    private static Map<String, Long> sendCounters(DWCPManager chain) {
        Map<String, Long> out = new TreeMap<>();
        for (io.dwcp.resilience.api.metrics.MetricsSnapshot s : chain.resilienceMetrics().stages()) {
            if (!s.operation().equals("send")) {
                continue;
            }
            if (s.source().equals("timeout")) {
                out.put("send attempts timed out", (long) s.value("timeouts"));
            } else if (s.source().equals("retry") && s.values().containsKey("retryAttempts")) {
                out.put("send retries", (long) s.value("retryAttempts"));
            }
        }
        return out;
    }

    /** @return the collections of every collector since the JVM started, and their time in ms */
    private static long[] gcPauses() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /** @return this JVM's CPU time, or 0 where the platform does not say */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? Math.max(0, sun.getProcessCpuTime()) : 0;
    }

    /** @return the machine's CPU ticks from /proc/stat: total, busy (not idle or iowait), steal; zeros elsewhere */
    private static long[] cpuTicks() {
        try {
            String[] w = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < w.length; i++) {
                total += Long.parseLong(w[i]);
            }
            long idle = Long.parseLong(w[4]) + Long.parseLong(w[5]);
            long steal = w.length > 8 ? Long.parseLong(w[8]) : 0;
            return new long[] {total, total - idle, steal};
        } catch (java.io.IOException | RuntimeException e) {
            return new long[3];
        }
    }

    /** @return the inbound journal of the node's transport bundle, or null */
    private static java.io.File journalOf(EmbeddedRuntime node) {
        for (org.osgi.framework.Bundle b : node.context().getBundles()) {
            if ("io.dwcp.resilience.transport".equals(b.getSymbolicName())) {
                return b.getDataFile("inbound.journal");
            }
        }
        return null;
    }

    /** @return the middle value of a sorted list (the mean of the two middle ones for an even count) */
    private static double medianOf(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** @return the mean of the values and its 95 % interval (Student's t for n - 1 degrees of freedom) */
    private static double[] meanInterval(List<Double> values) {
        int n = values.size();
        double mean = 0;
        for (double v : values) {
            mean += v / n;
        }
        if (n < 2) {
            return new double[] {mean, Double.NaN, Double.NaN};
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double half = T95[Math.min(n - 1, T95.length) - 1] * Math.sqrt(ss / (n - 1) / n);
        return new double[] {mean, mean - half, mean + half};
    }

    /** Student's t, two-sided 95 %, for 1 to 30 degrees of freedom (more: the 30's value, slightly wide). */
    private static final double[] T95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    private static double medianCpu(List<Round> rounds) {
        List<Double> v = new ArrayList<>();
        for (Round x : rounds) {
            v.add(x.cpuMicrosPerMessage());
        }
        v.sort(null);
        return medianOf(v);
    }

    private static Round median(List<Round> rounds) {
        List<Round> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(Round::perSecond));
        return sorted.get(sorted.size() / 2);
    }

    private static void awaitConnected(DWCPManager node, String peer) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            for (PeerStatus p : node.peers()) {
                if (p.nodeId().equals(peer) && p.state() == ConnectionState.CONNECTED) {
                    return;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(node.nodeId() + " not connected to " + peer + " within 60 s: " + node.peers());
            }
            Thread.sleep(50);
        }
    }

    private static String freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return Integer.toString(s.getLocalPort());
        }
    }

    private static String loadAverage() {
        try {
            String[] w = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return w[0] + " " + w[1] + " " + w[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
