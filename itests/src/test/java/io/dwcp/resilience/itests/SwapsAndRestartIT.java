package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.dwcp.resilience.itests.fixtures.StageFigures;
import io.dwcp.resilience.itests.fixtures.SwapProofLoad;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.Test;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Constants;

/**
 * The proof of issue 12, as an operator does it with the shipped runtime jar, in a folder of its own:
 * a client bundle ({@link SwapProofLoad}) calls steadily from four threads: a peer that always fails,
 * whose breaker is OPEN, and {@code send} and {@code consensus}, which succeed, all through the shipped
 * chains (chaos, load shed, rate limiter, bulkhead, breaker, retry, timeout as configured). Every
 * stage bundle in turn is updated without a URL, updated from a URL, stopped and started, and swapped
 * for another version with {@code dwcp:swap}; the manager is updated both ways and stopped and
 * started; then the framework is stopped ({@code stop 0}) and the runtime started again in the same
 * folder, the client starting with it. Asserted on counts, never on timing:
 * <ul>
 * <li>not one call reaches the failing peer once its breaker was seen OPEN, in either JVM;</li>
 * <li>not one call of {@code send} or {@code consensus} fails;</li>
 * <li>what the stages learnt is what the first calls after the restart meet: the breaker OPEN, the
 * adaptive rate and timeout not reset to their configured starts, the error budgets' counts not
 * gone back.</li>
 * </ul>
 * Prints, per step, the calls the manager held and for how long (total, and the longest call of the
 * step, which includes its hold): the figures in docs/manager.md.
 */
public class SwapsAndRestartIT {

    /** The shipped send rate limiter's initial.rate and send timeout's timeout.ms (runtime/conf). */
    private static final double INITIAL_RATE = 1000;
    private static final double INITIAL_TIMEOUT_MS = 30_000;
    /** Stage bundles and the kind dwcp:swap names them by; load shed is the degradation bundle's stage. */
    private static final Map<String, String> STAGE_BUNDLES = new LinkedHashMap<>();

    static {
        STAGE_BUNDLES.put("io.dwcp.resilience.circuitbreaker", "circuit-breaker");
        STAGE_BUNDLES.put("io.dwcp.resilience.bulkhead", "bulkhead");
        STAGE_BUNDLES.put("io.dwcp.resilience.ratelimiter", "rate-limit");
        STAGE_BUNDLES.put("io.dwcp.resilience.retry", "retry");
        STAGE_BUNDLES.put("io.dwcp.resilience.timeout", "timeout");
        STAGE_BUNDLES.put("io.dwcp.resilience.degradation", "load-shed");
        STAGE_BUNDLES.put("io.dwcp.resilience.chaos", "chaos");
    }

    private static final String MANAGER = "io.dwcp.resilience.manager";

    @Test
    public void everyStageBundleAndTheManagerSwappedThenTheFrameworkRestartedUnderLoad() throws Exception {
        assertTrue("build the runtime first: " + RuntimeProcess.JAR.toAbsolutePath(), Files.isRegularFile(RuntimeProcess.JAR));
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dwcp-swaps-restart-");
        Path conf = dir.resolve("conf");
        RuntimeProcess.writeConfiguration(conf);
        configureTheProof(conf);
        Path load = dir.resolve("swap-proof-load.jar");
        writeLoadBundle(load);
        Map<String, Path> copies = new LinkedHashMap<>();
        Map<String, Path> newVersions = new LinkedHashMap<>();
        for (String bsn : allSwapped()) {
            copies.put(bsn, extract(bsn, dir.resolve(bsn + "-copy.jar")));
            newVersions.put(bsn, newVersion(copies.get(bsn), dir.resolve(bsn + "-next.jar")));
        }
        int expectedBundles = RuntimeProcess.runBundles() + 2; // the system bundle, the client
        List<Step> steps = new ArrayList<>();
        List<Map<String, String>> liveCounts = new ArrayList<>();
        Map<String, String> before;
        Map<String, String> firstCounts;
        try (RuntimeProcess first = new RuntimeProcess(dir, 1)) {
            first.awaitEverythingUp(expectedBundles - 1);
            String installed = first.command("install " + load.toUri());
            Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(installed);
            assertTrue("installed: " + installed, id.find());
            first.command("start " + id.group(1));
            await(first, "proof:counts", "the load running and the breaker of " + SwapProofLoad.FAILING + " OPEN",
                    c -> num(c, "rejected") > 200 && num(c, "healthyOk") > 1000);
            await(first, "proof:figures", "the stages learning (send's adaptive rate above 1.5 x its start, its "
                    + "adaptive timeout below half of its start, the failing budget counting)",
                    f -> num(f, "now.rate") > INITIAL_RATE * 1.5 && num(f, "now.timeoutMs") < INITIAL_TIMEOUT_MS / 2
                            && num(f, "now.budgetFailingFailed") > 0 && num(f, "now.breaker") == 1.0);
            String chains = first.command("proof:chains");
            assertTrue("the load-shed stage is in the chains under test:\n" + chains, chains.contains("load-shed"));
            assertTrue("no chain holds before the swaps:\n" + chains, chains.lines().filter(l -> !l.isBlank()).allMatch(l -> l.endsWith("held=[]")));
            System.out.println("swaps and restart: chains under test\n" + chains);

            for (Map.Entry<String, String> stage : STAGE_BUNDLES.entrySet()) {
                String bsn = stage.getKey();
                steps.add(step(first, chains, "update " + bsn, () -> first.command("update " + id(first, bsn))));
                steps.add(step(first, chains, "update " + bsn + " <url>",
                        () -> first.command("update " + id(first, bsn) + " " + copies.get(bsn).toUri())));
                steps.add(step(first, chains, "stop/start " + bsn, () -> {
                    long b = id(first, bsn);
                    return first.command("stop " + b) + first.command("start " + b);
                }));
                steps.add(step(first, chains, "dwcp:swap " + stage.getValue(), () -> {
                    String swapped = first.command("dwcp:swap " + stage.getValue() + " " + newVersions.get(bsn).toUri()
                            + " --timeout 60s");
                    assertTrue("dwcp:swap " + stage.getValue() + ":\n" + swapped, swapped.contains("swapped " + stage.getValue()));
                    return swapped;
                }));
            }
            steps.add(step(first, chains, "update " + MANAGER, () -> first.command("update " + id(first, MANAGER))));
            steps.add(step(first, chains, "update " + MANAGER + " <url>",
                    () -> first.command("update " + id(first, MANAGER) + " " + copies.get(MANAGER).toUri())));
            steps.add(step(first, chains, "stop/start " + MANAGER, () -> {
                long b = id(first, MANAGER);
                return first.command("stop " + b) + first.command("start " + b);
            }));

            String log = first.command("log 2000 error");
            System.out.println("swaps and restart: ERROR lines after the swaps:\n" + log);
            before = parse(first.command("proof:figures"));
            liveCounts.add(parse(first.command("proof:counts")));
            first.stopFromConsole();
        }
        firstCounts = parse(Files.readString(dir.resolve(SwapProofLoad.COUNTS_FILE)));
        Files.delete(dir.resolve(SwapProofLoad.COUNTS_FILE));

        Map<String, String> after;
        Map<String, String> secondCounts;
        try (RuntimeProcess second = new RuntimeProcess(dir, 2)) {
            second.awaitEverythingUp(expectedBundles);
            await(second, "proof:counts", "the load running again", c -> num(c, "rejected") > 200 && num(c, "healthyOk") > 1000);
            await(second, "proof:figures", "the figures the first calls met", f -> SwapProofLoad.FIGURES.stream()
                    .allMatch(k -> f.containsKey("first." + k)));
            after = parse(second.command("proof:figures"));
            liveCounts.add(parse(second.command("proof:counts")));
            System.out.println("swaps and restart: after the restart\n" + second.command("proof:counts") + second.command("log 20"));
            assertEquals("the JVM's exit code on SIGTERM", 143, second.terminate());
        }
        secondCounts = parse(Files.readString(dir.resolve(SwapProofLoad.COUNTS_FILE)));

        steps.forEach(s -> System.out.println("swaps and restart: " + s));
        System.out.println("swaps and restart: first JVM " + firstCounts);
        System.out.println("swaps and restart: second JVM " + secondCounts);
        System.out.println("swaps and restart: learnt before the restart " + before);
        System.out.println("swaps and restart: after the restart " + after);

        // to the last call, the framework's own stop included: a call the stop refuses
        // (StageUnavailableException) is counted apart, one that ran unprotected is not
        for (Map<String, String> counts : List.of(firstCounts, secondCounts)) {
            assertEquals("calls that reached the failing peer after its breaker was seen OPEN: " + counts, 0,
                    num(counts, "reachedWhileOpen"), 0);
        }
        // while the runtime runs (every swap, the restart): not a call refused or failed
        for (Map<String, String> counts : liveCounts) {
            assertEquals("calls refused for a missing stage: " + counts, 0, num(counts, "unavailable"), 0);
            assertEquals("failed calls of send and consensus: " + counts, 0, num(counts, "healthyFailed"), 0);
            assertEquals("failing-peer calls that ended otherwise than rejected by the OPEN breaker: " + counts, 0,
                    num(counts, "failingOther"), 0);
        }
        assertTrue("calls were held while a protecting stage was away: " + steps, steps.stream().mapToLong(Step::held).sum() > 0);
        assertEquals("the breaker the first calls after the restart met (1 = OPEN)", 1.0, num(after, "first.breaker"), 0);
        assertTrue("send's adaptive rate not reset to " + INITIAL_RATE + ": " + before + " -> " + after,
                num(after, "first.rate") >= Math.min(num(before, "now.rate"), INITIAL_RATE * 1.5));
        assertTrue("send's adaptive timeout not reset to " + INITIAL_TIMEOUT_MS + " ms: " + before + " -> " + after,
                num(after, "first.timeoutMs") < INITIAL_TIMEOUT_MS / 2);
        for (String budget : List.of("budgetFailingFailed", "budgetFailingTotal", "budgetSendTotal")) {
            assertTrue("the error budget's " + budget + " never goes back: " + before + " -> " + after,
                    num(after, "first." + budget) >= num(before, "now." + budget));
        }
        RuntimeProcess.deleteTree(dir);
    }

    /** The shipped configuration, plus the failing peer's breaker and budget, and holds sized for a slow machine. */
    private static void configureTheProof(Path conf) throws IOException {
        String op = SwapProofLoad.FAILING;
        // OPEN for ten minutes: longer than the test, so every call after the trip must be rejected
        Files.writeString(conf.resolve("dwcp.circuitbreaker-" + op + ".cfg"), "dwcp.operation = " + op + "\n"
                + "dwcp.operation.new = true\nfailure.consecutive.threshold = 2\nreset.timeout.ms = 600000\n"
                + "open.max.duration.ms = 600000\n");
        Files.writeString(conf.resolve("dwcp.slo-" + op + ".cfg"), "dwcp.operation = " + op + "\n"
                + "dwcp.operation.new = true\nobjective = 99.9\nrejections.count = true\npersist.interval = 1s\n");
        // A loaded build machine may take seconds to register a stage again or to start them all: holds
        // long enough that a slow machine cannot turn a wait into a bypass (shipped: 2 s and 10 s). What
        // is proved is that calls wait rather than run unprotected; the figures say how long they waited.
        Path manager = conf.resolve("dwcp.manager.cfg");
        String text = Files.readString(manager);
        String edited = text.replace("missing.stage.hold.ms = 2000", "missing.stage.hold.ms = 30000")
                .replace("startup.grace.ms = 10000", "startup.grace.ms = 120000");
        assertFalse("the shipped hold and grace lines in " + manager, edited.equals(text));
        Files.writeString(manager, edited);
    }

    private static List<String> allSwapped() {
        List<String> all = new ArrayList<>(STAGE_BUNDLES.keySet());
        all.add(MANAGER);
        return all;
    }

    private interface Action {
        String run() throws Exception;
    }

    /** What one step did: calls held (all operations), their total wait, the longest call of the step. */
    private record Step(String what, long held, long heldMs, String longest) {
        @Override
        public String toString() {
            return what + ": " + held + " calls held, " + heldMs + " ms in all, " + longest;
        }
    }

    /** One operator action, then the wait until every chain is as before and holds nothing. */
    private static Step step(RuntimeProcess runtime, String chains, String what, Action action) throws Exception {
        Map<String, String> countsBefore = parse(runtime.command("proof:counts"));
        runtime.command("proof:mark");
        String printed = action.run();
        assertFalse(what + ":\n" + printed, printed.contains("Exception"));
        long deadline = System.nanoTime() + RuntimeProcess.START_TIMEOUT.toNanos();
        String now = runtime.command("proof:chains");
        while (!now.equals(chains)) {
            if (System.nanoTime() > deadline) {
                fail("the chains after " + what + " are not as before:\n" + now + "before:\n" + chains);
            }
            Thread.sleep(100); // polling another JVM; the deadline, not this pause, bounds the wait
            now = runtime.command("proof:chains");
        }
        String longest = runtime.command("proof:mark").strip();
        Map<String, String> countsAfter = parse(runtime.command("proof:counts"));
        long held = 0;
        long heldMs = 0;
        for (String op : List.of(SwapProofLoad.FAILING, "send", "consensus")) {
            held += delta(countsBefore, countsAfter, "held." + op);
            heldMs += delta(countsBefore, countsAfter, "heldMs." + op);
        }
        return new Step(what, held, heldMs, longest);
    }

    /** @return the growth of a counter of the manager; a new manager (its own update) counts from 0 */
    private static long delta(Map<String, String> before, Map<String, String> after, String key) {
        long a = (long) num(after, key);
        long b = (long) num(before, key);
        return a >= b ? a - b : a;
    }

    private static void await(RuntimeProcess runtime, String command, String what, Predicate<Map<String, String>> condition)
            throws Exception {
        long deadline = System.nanoTime() + RuntimeProcess.START_TIMEOUT.toNanos();
        Map<String, String> seen = parse(runtime.command(command));
        while (!condition.test(seen)) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "; last seen " + seen);
            }
            Thread.sleep(250); // polling another JVM; the deadline, not this pause, bounds the wait
            seen = parse(runtime.command(command));
        }
    }

    private static Map<String, String> parse(String keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : keyValues.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return m;
    }

    private static double num(Map<String, String> values, String key) {
        String v = values.get(key);
        try {
            return v == null ? Double.NaN : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static long id(RuntimeProcess runtime, String bsn) throws InterruptedException {
        return RuntimeProcess.bundleId(runtime.command("lb -s"), bsn);
    }

    private static void writeLoadBundle(Path target) throws IOException {
        try (InputStream bundle = TinyBundles.bundle()
                .addClass(SwapProofLoad.class)
                .addClass(StageFigures.class)
                .setHeader(Constants.BUNDLE_MANIFESTVERSION, "2")
                .setHeader(Constants.BUNDLE_SYMBOLICNAME, "io.dwcp.itests.swapproof")
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader(Constants.BUNDLE_ACTIVATOR, SwapProofLoad.class.getName())
                .setHeader(Constants.IMPORT_PACKAGE, "io.dwcp.resilience.api;version=\"[1.3,2)\","
                        + "io.dwcp.resilience.api.metrics;version=\"[1.1,2)\","
                        + "org.osgi.framework;version=\"[1.8,2)\",org.osgi.util.tracker;version=\"[1.5,2)\"")
                .build(TinyBundles.rawBuilder())) {
            Files.copy(bundle, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** @return {@code target}: the bundle {@code bsn} as the runtime jar carries it */
    private static Path extract(String bsn, Path target) throws IOException {
        try (ZipFile runtime = new ZipFile(RuntimeProcess.JAR.toFile())) {
            ZipEntry entry = runtime.stream().filter(e -> e.getName().startsWith("jar/" + bsn + "-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + bsn + " in " + RuntimeProcess.JAR));
            try (InputStream in = runtime.getInputStream(entry)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }

    /** @return {@code target}: the same bundle under another version (its qualifier), as a new build would be */
    private static Path newVersion(Path jar, Path target) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            String[] v = manifest.getMainAttributes().getValue("Bundle-Version").split("\\.");
            manifest.getMainAttributes().putValue("Bundle-Version", v[0] + "." + v[1] + "." + v[2] + ".zswapped");
            try (JarOutputStream copy = new JarOutputStream(out, manifest)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    copy.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(copy);
                    copy.closeEntry();
                }
            }
        }
        Files.write(target, out.toByteArray());
        return target;
    }
}
