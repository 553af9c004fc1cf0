package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The shipped runtime jar ({@code runtime/target/dwcp-runtime.jar}) as a user starts it: in an empty
 * folder of its own, in its own JVM, driven by typing Gogo commands. It must bring every bundle of its
 * {@code -runbundles} to Active and every component to active or satisfied, show what the platform
 * did at INFO in {@code log} (the shipped {@code org.osgi.service.log.admin.cfg}), save the stages'
 * state on SIGTERM, and come back from that folder with the state restored.
 *
 * <p>The configuration is the shipped {@code runtime/conf} with free ports for the HTTP server,
 * the metrics endpoint and the transport, so parallel builds do not clash on 8181, 9464 and 7700.
 */
public class RuntimeLaunchIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);
    private static final Pattern BUNDLE_LINE = Pattern.compile("^\\s*(\\d+)\\|(\\w+)\\s*\\|\\s*\\d+\\|(.*)$");
    private static final Pattern INSTANCE_LINE = Pattern.compile("^\\s*Id: \\d+, State:([A-Z ]+?)(,|$)");
    private static final Path RUNTIME = Path.of(System.getProperty("dwcp.runtime.dir", "../runtime"));
    private static final Path JAR = Path.of(System.getProperty("dwcp.runtime.jar", "../runtime/target/dwcp-runtime.jar"));

    @Test
    public void startsSavesStateOnSigtermAndComesBack() throws Exception {
        assertTrue("build the runtime first: " + JAR.toAbsolutePath(), Files.isRegularFile(JAR));
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dwcp-runtime-launch-");
        writeConfiguration(dir.resolve("conf"));
        int expectedBundles = runBundles() + 1; // and the system bundle

        long firstTerm;
        try (Runtime first = new Runtime(dir, 1)) {
            first.awaitEverythingUp(expectedBundles);
            String info = first.command("log 2000 info");
            // LoggerAdmin's default (WARN) would hide these: the shipped io.dwcp = INFO shows them
            assertTrue("log shows the chains the manager built:\n" + info,
                    info.contains("io.dwcp.resilience.manager - chain of 'send' is now"));
            assertTrue("log shows the SLO budgets starting fresh in an empty folder:\n" + info,
                    info.contains("no saved budget state slo/send"));
            String errors = first.command("log 2000 error");
            assertEquals("no ERROR on a clean first start:\n" + errors, "", errors.strip());
            firstTerm = System.currentTimeMillis();
            assertEquals("the JVM's exit code on SIGTERM", 143, first.terminate());
        }
        // SIGTERM stopped the framework in order: every SLO keeper saved its budget on the way down
        for (String op : List.of("send", "consensus", "sync", "receive", "_overall")) {
            Path record = record(dir, "slo%" + op + ".state");
            FileTime written = Files.getLastModifiedTime(record);
            assertTrue(record + " written at SIGTERM (" + written + ", SIGTERM at " + firstTerm + ")",
                    written.toMillis() >= firstTerm - 1000); // file times may be rounded down to the second
        }

        try (Runtime second = new Runtime(dir, 2)) {
            second.awaitEverythingUp(expectedBundles);
            String info = second.command("log 2000 info");
            assertTrue("the budget of send comes back from ./data:\n" + info,
                    info.contains("budget of send restored from slo/send"));
            String errors = second.command("log 2000 error");
            assertEquals("no ERROR on a restart from the same folder:\n" + errors, "", errors.strip());
            assertEquals("the JVM's exit code on SIGTERM", 143, second.terminate());
        }
        deleteTree(dir);
    }

    /**
     * Issue 12, items 4 and 5, as an operator does them at the Gogo prompt: {@code update <id>} without
     * a URL (failed for every shipped bundle: {@code MalformedURLException: no protocol: jar/...}); the
     * circuit breaker uninstalled and installed again from a copy of the same jar, an injector
     * uninstalled, then {@code stop 0} and a start in the same folder (failed: "Bundle symbolic name
     * and version are not unique", the JVM exited). The restart must come up with the operator's
     * choices in force: one circuit breaker, from the file; no injector; updates still work.
     */
    @Test
    public void consoleInstallUpdateAndUninstallSurviveARestart() throws Exception {
        assertTrue("build the runtime first: " + JAR.toAbsolutePath(), Files.isRegularFile(JAR));
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dwcp-runtime-console-");
        writeConfiguration(dir.resolve("conf"));
        int expectedBundles = runBundles() + 1;
        Path copy = dir.resolve("circuit-breaker-copy.jar");
        String breakerLocation = copy.toUri().toString();

        try (Runtime first = new Runtime(dir, 1)) {
            first.awaitEverythingUp(expectedBundles);
            String lb = first.command("lb -s");
            for (String bsn : List.of("io.dwcp.resilience.retry", "io.dwcp.resilience.circuitbreaker",
                    "org.hdrhistogram.HdrHistogram")) {
                String updated = first.command("update " + bundleId(lb, bsn));
                assertFalse("update " + bsn + " without a URL reads its location again:\n" + updated,
                        updated.contains("Exception"));
            }
            first.awaitEverythingUp(expectedBundles);

            lb = first.command("lb -s");
            try (java.util.zip.ZipFile runtime = new java.util.zip.ZipFile(JAR.toFile())) {
                java.util.zip.ZipEntry entry = runtime.stream()
                        .filter(e -> e.getName().startsWith("jar/io.dwcp.resilience.circuitbreaker-")).findFirst()
                        .orElseThrow(() -> new AssertionError("no circuit breaker in " + JAR));
                try (java.io.InputStream in = runtime.getInputStream(entry)) {
                    Files.copy(in, copy);
                }
            }
            first.command("uninstall " + bundleId(lb, "io.dwcp.resilience.circuitbreaker"));
            String installed = first.command("install " + breakerLocation);
            Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(installed);
            assertTrue("installed: " + installed, id.find());
            first.command("start " + id.group(1));
            first.command("uninstall " + bundleId(lb, "io.dwcp.resilience.injector.cpu"));
            first.awaitEverythingUp(expectedBundles - 1);
            first.stopFromConsole();
        }

        try (Runtime second = new Runtime(dir, 2)) {
            second.awaitEverythingUp(expectedBundles - 1); // the old launcher: "... not unique", the JVM exited
            String lb = second.command("lb -l");
            List<String> breakers = lb.lines().filter(l -> l.contains("circuitbreaker") || l.contains("circuit-breaker"))
                    .collect(Collectors.toList());
            assertEquals("one circuit breaker, from the operator's file:\n" + lb, 1, breakers.size());
            assertTrue(breakers.get(0), breakers.get(0).contains(breakerLocation));
            assertTrue("the uninstalled injector stays uninstalled:\n" + lb, !lb.contains("injector.cpu"));
            assertTrue("the start says so, and how to bring it back: " + second.console(),
                    Files.readString(second.console()).contains("io.dwcp.resilience.injector.cpu is not installed: it was "
                            + "uninstalled, and stays so (to bring it back: install jar:"));
            String updated = second.command("update " + bundleId(second.command("lb -s"), "io.dwcp.resilience.retry"));
            assertFalse("update without a URL after the restart:\n" + updated, updated.contains("Exception"));
            assertEquals("the JVM's exit code on SIGTERM", 143, second.terminate());
        }
        deleteTree(dir);
    }

    /** @return the id of the bundle {@code lb -s} lists with that symbolic name */
    private static long bundleId(String lbSymbolic, String bsn) {
        for (String line : lbSymbolic.split("\n")) {
            Matcher m = BUNDLE_LINE.matcher(line);
            if (m.find() && m.group(3).startsWith(bsn + " (")) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no bundle " + bsn + " in\n" + lbSymbolic);
    }

    /** The shipped configuration, with free ports where the defaults would clash with a parallel build. */
    private static void writeConfiguration(Path conf) throws IOException {
        Files.createDirectories(conf);
        Map<String, Map<String, String>> ports = new TreeMap<>();
        ports.put("org.apache.felix.http.cfg", Map.of("org.osgi.service.http.port", freePort()));
        ports.put("dwcp.metrics.cfg", Map.of("port", freePort()));
        ports.put("dwcp.transport.cfg", Map.of("listen.port", freePort()));
        try (Stream<Path> files = Files.list(RUNTIME.resolve("conf"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cfg")).collect(Collectors.toList())) {
                String name = f.getFileName().toString();
                Map<String, String> replace = ports.getOrDefault(name, Map.of());
                List<String> lines = new ArrayList<>();
                int replaced = 0;
                for (String line : Files.readAllLines(f)) {
                    String key = line.contains("=") ? line.substring(0, line.indexOf('=')).strip() : "";
                    if (replace.containsKey(key)) {
                        line = key + " = " + replace.get(key);
                        replaced++;
                    }
                    lines.add(line);
                }
                assertEquals(name + ": the port keys to replace", replace.size(), replaced);
                Files.write(conf.resolve(name), lines);
            }
        }
    }

    /** @return how many bundles the bndrun's {@code -runbundles} lists */
    private static int runBundles() throws IOException {
        String bndrun = Files.readString(RUNTIME.resolve("dwcp-runtime.bndrun"));
        String list = bndrun.substring(bndrun.indexOf("-runbundles:"));
        return (int) Pattern.compile(";version=").matcher(list).results().count();
    }

    private static Path record(Path dir, String name) throws IOException {
        try (Stream<Path> found = Files.walk(dir.resolve("data"))) {
            return found.filter(p -> p.getFileName().toString().equals(name)
                            && p.getParent().getFileName().toString().equals("records"))
                    .findFirst().orElseThrow(() -> new AssertionError("no state record " + name + " under " + dir));
        }
    }

    private static String freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return Integer.toString(s.getLocalPort());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One JVM of the runtime with its Gogo shell on a pipe: stdin kept open, stdout read line by line. */
    private static final class Runtime implements AutoCloseable {

        private final Process process;
        private final PrintWriter in;
        private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
        private final Path console;
        private int marks;

        Runtime(Path dir, int incarnation) throws IOException {
            console = dir.resolve("console-" + incarnation + ".log");
            process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-jar", JAR.toAbsolutePath().toString())
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        Files.writeString(console, line + "\n", StandardCharsets.UTF_8,
                                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                        out.add(line);
                    }
                } catch (IOException e) {
                    out.add("(console read failed: " + e + ")");
                }
            }, "runtime-console-" + incarnation);
            reader.setDaemon(true);
            reader.start();
        }

        /** Types a command and returns what it printed (up to an echoed mark, so nothing else mixes in). */
        String command(String line) throws InterruptedException {
            String mark = "END-OF-COMMAND-" + (++marks);
            in.println(line);
            in.println("echo " + mark);
            StringBuilder printed = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                String next = out.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (next == null) {
                    fail("'" + line + "' printed no " + mark + " within 60 s (alive: " + process.isAlive()
                            + "); so far:\n" + printed + "\nconsole: " + console);
                }
                String text = next.replace("g! ", "");
                if (text.strip().equals(mark)) {
                    return printed.toString();
                }
                printed.append(text).append('\n');
            }
        }

        /** Waits until {@code lb} shows every bundle Active and {@code scr:list} every instance active or satisfied. */
        void awaitEverythingUp(int expectedBundles) throws InterruptedException {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            String lb = "";
            String scr = "";
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail("the runtime exited with " + process.exitValue() + " while starting; console: " + console);
                }
                lb = command("lb");
                scr = command("scr:list");
                if (allBundlesActive(lb, expectedBundles) && allComponentsUp(scr)) {
                    return;
                }
                Thread.sleep(500); // polling a separate JVM; the deadline, not this pause, bounds the wait
            }
            fail("not every bundle Active and every component up within " + START_TIMEOUT + ":\n" + lb + "\n" + scr);
        }

        private static boolean allBundlesActive(String lb, int expected) {
            int active = 0;
            for (String line : lb.split("\n")) {
                Matcher m = BUNDLE_LINE.matcher(line);
                if (m.find()) {
                    if (!m.group(2).equals("Active")) {
                        return false;
                    }
                    active++;
                }
            }
            return active == expected;
        }

        private static boolean allComponentsUp(String scr) {
            int instances = 0;
            for (String line : scr.split("\n")) {
                Matcher m = INSTANCE_LINE.matcher(line);
                if (m.find()) {
                    String state = m.group(1).strip();
                    if (!state.equals("ACTIVE") && !state.equals("SATISFIED")) {
                        return false;
                    }
                    instances++;
                }
            }
            return instances > 0;
        }

        /** @return the file the console output is copied to */
        Path console() {
            return console;
        }

        /** Types {@code stop 0}, as an operator stops the framework from its prompt, and waits for the JVM to end. */
        void stopFromConsole() throws InterruptedException {
            in.println("stop 0");
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("the runtime did not stop within " + STOP_TIMEOUT + " of 'stop 0'; console: " + console);
            }
        }

        /** SIGTERM, as a service manager stops it; @return the exit code */
        int terminate() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("the runtime did not stop within " + STOP_TIMEOUT + " of SIGTERM; console: " + console);
            }
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
