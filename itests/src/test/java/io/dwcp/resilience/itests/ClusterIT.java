package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.dwcp.resilience.itests.cluster.Cluster;
import io.dwcp.resilience.itests.cluster.ClusterNode;
import io.dwcp.resilience.itests.cluster.CuttableProxy;
import io.dwcp.resilience.itests.cluster.LedgerCheck;
import java.nio.file.Path;
import java.util.List;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The delivery guarantee, proven with ledgers on a three-node cluster of real runtime JVMs over
 * loopback: messages sent through each sender's full chain ({@code DWCPManager.send}), received
 * through the receiver's ({@code DWCPManager.receive}), while faults happen. Per case, the sender's
 * ledger (every message's outcome) is checked against the receiver's (every delivery): every
 * acknowledged message delivered exactly once, none twice, every other one failed visibly at its
 * sender. The totals are printed per case.
 *
 * <p>Counts: {@code dwcp.cluster.messages} (default 100 000, the figure) for the plain case,
 * {@code dwcp.cluster.fault.messages} (default 100 000) for each fault case. All six cases took
 * 293 s together (the class, three JVMs included) at a load average of 15-21 on two cores, against
 * 83 s at the former 20 000 / 10 000 (docs/cluster.md); each wait is bounded in proportion to the
 * count ({@link #runDeadlineMillis}).
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ClusterIT {

    private static final int MESSAGES = Integer.getInteger("dwcp.cluster.messages", 100_000);
    private static final int FAULT_MESSAGES = Integer.getInteger("dwcp.cluster.fault.messages", 100_000);
    /** Sent node1 -> node2 before the cases, so the plain case does not meet a cold JVM (see startCluster). */
    private static final int WARM_UP_MESSAGES = 5_000;
    private static final int SENDERS = 16;
    private static final int SIZE = 256;
    private static final long SEND_TIMEOUT_MS = 10_000;
    /**
     * Generous bounds on each wait within a run: at least 240 s, and 10 ms per message of the run (a
     * run slower than 100 messages/s is stuck, not slow: under faults on a loaded two-core host runs
     * went at 200-3 000 messages/s), so a run of 100 000 is not cut at a bound sized for 10 000. A
     * healthy run ends long before.
     */
    private static final long MIN_RUN_DEADLINE_MS = 240_000;
    private static final long RUN_DEADLINE_MS_PER_MESSAGE = 10;

    static long runDeadlineMillis(int count) {
        return Math.max(MIN_RUN_DEADLINE_MS, count * RUN_DEADLINE_MS_PER_MESSAGE);
    }

    /** The stage bundles (and the manager) case (d) updates one after the other under load. */
    private static final List<String> UPDATED_BUNDLES = List.of(
            "io.dwcp.resilience.chaos", "io.dwcp.resilience.degradation", "io.dwcp.resilience.ratelimiter",
            "io.dwcp.resilience.bulkhead", "io.dwcp.resilience.circuitbreaker", "io.dwcp.resilience.retry",
            "io.dwcp.resilience.timeout", "io.dwcp.resilience.manager");

    private static Cluster cluster;
    private static CuttableProxy proxy;
    private static ClusterNode node1;
    private static ClusterNode node2;
    private static ClusterNode node3;

    @BeforeClass
    public static void startCluster() throws Exception {
        Assume.assumeTrue("the runtime has no transport bundle yet: nothing to send through", Cluster.runtimeHasTransport());
        cluster = new Cluster("ledger", "node1", "node2", "node3");
        node1 = cluster.node("node1");
        node2 = cluster.node("node2");
        node3 = cluster.node("node3");
        // node2 reaches node3 through a relay with three streams, so case (e) can cut one of them
        proxy = new CuttableProxy(node3.port());
        cluster.set("node2", "dwcp.transport", "peers",
                "node1=127.0.0.1:" + node1.port() + ",node3=127.0.0.1:" + proxy.port());
        cluster.set("node2", "dwcp.transport", "streams", "3");
        // chaos may be armed (by the test); the transport, not the engine, cuts partitioned traffic
        cluster.setAll("dwcp.chaos", "allowed", "true");
        cluster.setAll("dwcp.chaos", "partition.enforce", "false");
        cluster.setAll("dwcp.injector.latency", "min.ms", "2");
        cluster.setAll("dwcp.injector.latency", "max.ms", "20");
        cluster.setAll("dwcp.injector.partition", "duration.ms", "3000");
        // the defaults otherwise, but a breaker that probes again after 1 s (not 60) and a rate limiter
        // that lets a burst wait for its permit instead of refusing it at once
        cluster.setAll("dwcp.circuitbreaker-send", "reset.timeout.ms", "1000");
        cluster.setAll("dwcp.ratelimiter.adaptive-send", "max.wait.ms", "2000");
        // Latency targets sized for this host: three JVMs on a two-core machine shared with other
        // builds see a send p95 above 200 ms whenever the host is starved (load 25-30 measured). With
        // the shipped targets (p95 100 ms) the degradation tiers then shed 30 % of a fault-free run and
        // the adaptive rate limiter steers down to its 100 calls/s floor, both as designed for a real
        // overload, neither under test here (their bundles' tests and HealthDegradationIT /
        // RateLimiterIT are): send tiers 1 s / 1.5 s / 2 s, adaptive target 1 s. And degradation judges
        // a 5 s window (not 30 s) and steps down after 1 s of calm (not 60 s), so one case's faults
        // do not shed the next case's load.
        cluster.setAll("dwcp.degradation", "latency.thresholds.ms", "send:1000,receive:0,sync:5000,consensus:10000");
        cluster.setAll("dwcp.ratelimiter.adaptive-send", "target.p95.ms", "1000");
        cluster.setAll("dwcp.degradation", "window.ms", "5000");
        cluster.setAll("dwcp.degradation", "recovery.hold.ms", "1000");
        cluster.start();
        awaitConnected(node1, "node2", "node3");
        awaitConnected(node2, "node1", "node3");
        awaitConnected(node3, "node1", "node2");
        // A cold cluster's first sends: three JVMs still compiling on a starved two-core host answered
        // the first ~150 sends of the plain case with a p95 above 1.5 s (load average 18), and the
        // degradation table rightly shed 30 % of sends at EMERGENCY; the plain case is about a run
        // without faults, not about a cold start. The warm-up's ledgers are checked like any case's.
        run("warm-up", node1, node2, WARM_UP_MESSAGES, progress -> { });
    }

    @AfterClass
    public static void stopCluster() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    @Test
    public void case0_plain() throws Exception {
        LedgerCheck check = run("plain", node1, node2, MESSAGES, progress -> { });
        assertEquals("every message acknowledged without faults: " + check, MESSAGES, check.acked);
    }

    @Test
    public void caseA_receiverKilledAndRestarted() throws Exception {
        run("receiver-restart", node1, node3, FAULT_MESSAGES, progress -> {
            progress.awaitAcked(FAULT_MESSAGES / 4);
            node3.kill();
            progress.awaitFailed(1); // the sender sees the node gone
            node3.launch();
            node3.awaitReady();
        });
    }

    @Test
    public void caseB_partitionInjectedAndHealed() throws Exception {
        run("partition", node1, node2, FAULT_MESSAGES, progress -> {
            progress.awaitAcked(FAULT_MESSAGES / 4);
            node1.command("ARM 60 1.0 send node2 partition:1");
            progress.awaitFailed(1); // the partition cuts real traffic: sends fail
            System.out.println("  partition in effect: " + node1.command("PEERS"));
            node1.command("DISARM");
        });
    }

    @Test
    public void caseC_errorAndLatencyInjectorsAtFivePercent() throws Exception {
        run("error-latency", node1, node2, FAULT_MESSAGES, progress -> {
            node1.command("ARM 600 0.05 send * latency:1,error:1");
            progress.awaitOutcomes(FAULT_MESSAGES);
            node1.command("DISARM");
        });
    }

    @Test
    public void caseD_stageBundlesUpdatedUnderLoad() throws Exception {
        Path bundles = Path.of(System.getProperty("dwcp.bundles.dir", "target/bundles")).toAbsolutePath();
        run("bundle-updates", node1, node2, FAULT_MESSAGES, progress -> {
            int step = FAULT_MESSAGES / (UPDATED_BUNDLES.size() + 2);
            int at = step;
            for (String bsn : UPDATED_BUNDLES) {
                progress.awaitOutcomes(at);
                node1.command("UPDATE " + bsn + " " + bundles.resolve(bsn + ".jar"));
                at += step;
            }
        });
    }

    @Test
    public void caseE_oneStreamOfAMultiStreamPeerCut() throws Exception {
        awaitConnected(node2, "node3");
        int before = proxy.open();
        run("stream-cut", node2, node3, FAULT_MESSAGES, progress -> {
            progress.awaitAcked(FAULT_MESSAGES / 3);
            assertTrue("a relayed stream to cut", proxy.cutOne());
            System.out.println("  cut 1 of " + before + " relayed streams node2->node3; peers now " + node2.command("PEERS"));
        });
    }

    // ------------------------------------------------------------------------------------------

    /** What a case does while its run is under way. */
    interface During {
        void act(Progress progress) throws Exception;
    }

    /** The sender's progress in one run, polled through its agent. */
    static final class Progress {
        private final ClusterNode sender;
        private final String run;
        private final long deadlineMillis;

        Progress(ClusterNode sender, String run, int count) {
            this.sender = sender;
            this.run = run;
            this.deadlineMillis = runDeadlineMillis(count);
        }

        /** @return acked, failed, done (1 or 0) */
        long[] now() throws Exception {
            String[] w = sender.command("PROGRESS " + run).split(" ");
            return new long[] {Long.parseLong(w[0]), Long.parseLong(w[1]), Boolean.parseBoolean(w[2]) ? 1 : 0};
        }

        void awaitAcked(long n) throws Exception {
            await(p -> p[0] >= n || p[2] == 1, n + " acknowledged");
        }

        void awaitFailed(long n) throws Exception {
            await(p -> p[1] >= n || p[2] == 1, n + " failed");
        }

        void awaitOutcomes(long n) throws Exception {
            await(p -> p[0] + p[1] >= n || p[2] == 1, n + " outcomes");
        }

        void awaitDone() throws Exception {
            await(p -> p[2] == 1, "the end of the run");
        }

        private void await(java.util.function.Predicate<long[]> condition, String what) throws Exception {
            long deadline = System.nanoTime() + deadlineMillis * 1_000_000L;
            long[] p;
            while (!condition.test(p = now())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("run " + run + " did not reach " + what + " within " + deadlineMillis / 1000 + " s: acked "
                            + p[0] + ", failed " + p[1]);
                }
                Thread.sleep(20); // polling the agent, not timing anything
            }
        }
    }

    private static LedgerCheck run(String name, ClusterNode from, ClusterNode to, int count, During during) throws Exception {
        settle(from);
        long start = System.nanoTime();
        from.command("SEND " + to.id() + " " + name + " " + count + " " + SENDERS + " " + SIZE + " " + SEND_TIMEOUT_MS);
        Progress progress = new Progress(from, name, count);
        try {
            during.act(progress);
            progress.awaitDone();
        } catch (Exception | AssertionError e) {
            from.command("STOP " + name); // a case that failed must not load the next one
            throw e;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // Nothing to wait for: a message is acknowledged only once the receiving application came back
        // from it, and the ledger writes its line before it comes back (docs/transport.md).
        LedgerCheck check = LedgerCheck.of(name, count, from, to);
        System.out.printf("[cluster] case %-16s %s -> %s, %.1f s (%.0f msg/s): %s%n", name, from.id(), to.id(),
                seconds, count / seconds, check.totals());
        // why a chain refused calls, if it did: each side's degradation level and the components that set it
        System.out.println("  levels after the run: " + from.id() + " " + from.command("LEVELS") + "; " + to.id() + " " + to.command("LEVELS"));
        if (check.failed > 0) {
            System.out.println("  first failure of each kind: " + from.command("FIRSTS " + name));
        }
        assertTrue(check.toString(), check.holds());
        return check;
    }

    /**
     * Waits until the sender's degradation level no longer sheds sends (NORMAL or DEGRADED: the
     * default table sheds send from SEVERELY_DEGRADED up), so each case starts from a calm chain rather
     * than from the previous case's faults. An error budget once exhausted keeps DEGRADED for its 30-day
     * window, which is why DEGRADED counts as calm.
     */
    private static void settle(ClusterNode sender) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        String levels;
        while (!((levels = sender.command("LEVELS")).startsWith("NORMAL") || levels.startsWith("DEGRADED"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(sender.id() + " still sheds sends 60 s after the previous case: " + levels);
            }
            Thread.sleep(100); // polling the agent, not timing anything
        }
    }

    private static void awaitConnected(ClusterNode node, String... peers) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            String status = node.command("PEERS");
            boolean all = true;
            for (String peer : peers) {
                all &= status.contains(peer + ":CONNECTED");
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node.id() + " not connected to " + String.join(",", peers) + ": " + status);
            }
            Thread.sleep(50);
        }
    }
}
