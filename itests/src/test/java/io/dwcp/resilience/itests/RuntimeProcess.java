package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
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

/**
 * One JVM of the shipped runtime jar ({@code runtime/target/dwcp-runtime.jar}) started as a user
 * starts it, in a folder of its own, with its Gogo shell on a pipe: stdin kept open, stdout read line
 * by line and copied to {@code console-<incarnation>.log}. Typed commands return what they printed.
 * Shared by the tests that drive the runtime as an operator does ({@link RuntimeLaunchIT},
 * {@link SwapsAndRestartIT}), with the helpers they need around it.
 */
final class RuntimeProcess implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);
    static final Pattern BUNDLE_LINE = Pattern.compile("^\\s*(\\d+)\\|(\\w+)\\s*\\|\\s*\\d+\\|(.*)$");
    static final Pattern INSTANCE_LINE = Pattern.compile("^\\s*Id: \\d+, State:([A-Z ]+?)(,|$)");
    static final Path RUNTIME = Path.of(System.getProperty("dwcp.runtime.dir", "../runtime"));
    static final Path JAR = Path.of(System.getProperty("dwcp.runtime.jar", "../runtime/target/dwcp-runtime.jar"));



    private final Process process;
    private final PrintWriter in;
    private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
    private final Path console;
    private int marks;

    RuntimeProcess(Path dir, int incarnation) throws IOException {
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

    /** @return the id of the bundle {@code lb -s} lists with that symbolic name */
    static long bundleId(String lbSymbolic, String bsn) {
        for (String line : lbSymbolic.split("\n")) {
            Matcher m = BUNDLE_LINE.matcher(line);
            if (m.find() && m.group(3).startsWith(bsn + " (")) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no bundle " + bsn + " in\n" + lbSymbolic);
    }

    /** The shipped configuration, with free ports where the defaults would clash with a parallel build. */
    static void writeConfiguration(Path conf) throws IOException {
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
    static int runBundles() throws IOException {
        String bndrun = Files.readString(RUNTIME.resolve("dwcp-runtime.bndrun"));
        String list = bndrun.substring(bndrun.indexOf("-runbundles:"));
        return (int) Pattern.compile(";version=").matcher(list).results().count();
    }

    static Path record(Path dir, String name) throws IOException {
        try (Stream<Path> found = Files.walk(dir.resolve("data"))) {
            return found.filter(p -> p.getFileName().toString().equals(name)
                            && p.getParent().getFileName().toString().equals("records"))
                    .findFirst().orElseThrow(() -> new AssertionError("no state record " + name + " under " + dir));
        }
    }

    static String freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return Integer.toString(s.getLocalPort());
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }
}
