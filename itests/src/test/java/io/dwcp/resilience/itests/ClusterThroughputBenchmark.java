package io.dwcp.resilience.itests;

import io.dwcp.resilience.itests.cluster.Cluster;
import io.dwcp.resilience.itests.cluster.ClusterNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.Assume;
import org.junit.Test;

/**
 * Throughput from node A to node B, two runtime JVMs on loopback: 1 KiB messages, 64 concurrent
 * senders in node A, closed loop. The raw transport ({@code DWCPTransport.send}, no chain) against
 * the full default chain ({@code DWCPManager.send}, the runtime's default configuration, chaos not
 * allowed), measured inside node A by its agent in alternating rounds of the same run, so the
 * ratio compares like with like on a noisy machine.
 *
 * <p>Not part of {@code verify} (the name does not end in {@code IT}): run it on an otherwise idle
 * machine with
 * {@code ./mvnw -B verify -pl itests -am -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ClusterThroughputBenchmark}.
 * Options: {@code -Dbench.rounds=3 -Dbench.seconds=5 -Dbench.threads=64 -Dbench.size=1024}.
 * It measures across processes, which JMH (one JVM measuring itself) cannot; see docs/PERFORMANCE.md.
 */
public class ClusterThroughputBenchmark {

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 5);
    private static final int THREADS = Integer.getInteger("bench.threads", 64);
    private static final int SIZE = Integer.getInteger("bench.size", 1024);

    @Test
    public void rawTransportVersusFullDefaultChain() throws Exception {
        Assume.assumeTrue("the runtime has no transport bundle yet", Cluster.runtimeHasTransport());
        try (Cluster cluster = new Cluster("throughput", "nodeA", "nodeB")) {
            cluster.start();
            ClusterNode a = cluster.node("nodeA");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!a.command("PEERS").contains("nodeB:CONNECTED")) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nodeA not connected to nodeB: " + a.command("PEERS"));
                }
                Thread.sleep(50);
            }
            String load = loadAverage();
            // warm-up: both paths, JIT and connections
            bench(a, "raw", SECONDS);
            bench(a, "chain", SECONDS);
            List<double[]> raw = new ArrayList<>();
            List<double[]> chain = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                raw.add(bench(a, "raw", SECONDS));
                chain.add(bench(a, "chain", SECONDS));
            }
            double[] r = median(raw);
            double[] c = median(chain);
            System.out.printf(Locale.ROOT, "%n| path | msg/s | P50 µs | P99 µs | P99.9 µs | failed/round |%n|---|---:|---:|---:|---:|---:|%n");
            System.out.printf(Locale.ROOT, "| raw transport | %.0f | %.0f | %.0f | %.0f | %.0f |%n", r[0], r[1], r[2], r[3], r[4]);
            System.out.printf(Locale.ROOT, "| full default chain | %.0f | %.0f | %.0f | %.0f | %.0f |%n", c[0], c[1], c[2], c[3], c[4]);
            System.out.printf(Locale.ROOT, "chain/raw throughput %.3f (cost %.1f %%); %d rounds of %d s, %d senders, %d B; "
                    + "load average before %s, after %s; %d cores; %s%n",
                    c[0] / r[0], 100 * (1 - c[0] / r[0]), ROUNDS, SECONDS, THREADS, SIZE, load, loadAverage(),
                    Runtime.getRuntime().availableProcessors(), cpuModel());
        }
    }

    /** @return msg/s, P50, P99, P99.9 (µs), failed */
    private static double[] bench(ClusterNode a, String mode, int seconds) throws Exception {
        String[] w = a.command("BENCH " + mode + " nodeB " + THREADS + " " + SIZE + " " + seconds * 1000L).split(" ");
        System.out.println("  " + String.join(" ", w));
        return new double[] {Double.parseDouble(w[3]), Double.parseDouble(w[4]), Double.parseDouble(w[5]),
            Double.parseDouble(w[6]), Double.parseDouble(w[2])};
    }

    /** The round with the median throughput (its latencies with it). */
    private static double[] median(List<double[]> rounds) {
        List<double[]> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(x -> x[0]));
        return sorted.get(sorted.size() / 2);
    }

    private static String loadAverage() throws Exception {
        Path p = Path.of("/proc/loadavg");
        return Files.exists(p) ? String.join(" ", List.of(Files.readString(p).split(" ")).subList(0, 3)) : "?";
    }

    private static String cpuModel() throws Exception {
        Path p = Path.of("/proc/cpuinfo");
        if (Files.exists(p)) {
            for (String line : Files.readAllLines(p)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        return System.getProperty("os.arch");
    }
}
