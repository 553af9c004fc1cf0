package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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

    private static final Path JAR = RuntimeProcess.JAR;

    @Test
    public void startsSavesStateOnSigtermAndComesBack() throws Exception {
        assertTrue("build the runtime first: " + JAR.toAbsolutePath(), Files.isRegularFile(JAR));
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dwcp-runtime-launch-");
        RuntimeProcess.writeConfiguration(dir.resolve("conf"));
        int expectedBundles = RuntimeProcess.runBundles() + 1; // and the system bundle

        long firstTerm;
        try (RuntimeProcess first = new RuntimeProcess(dir, 1)) {
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
            Path record = RuntimeProcess.record(dir, "slo%" + op + ".state");
            FileTime written = Files.getLastModifiedTime(record);
            assertTrue(record + " written at SIGTERM (" + written + ", SIGTERM at " + firstTerm + ")",
                    written.toMillis() >= firstTerm - 1000); // file times may be rounded down to the second
        }

        try (RuntimeProcess second = new RuntimeProcess(dir, 2)) {
            second.awaitEverythingUp(expectedBundles);
            String info = second.command("log 2000 info");
            assertTrue("the budget of send comes back from ./data:\n" + info,
                    info.contains("budget of send restored from slo/send"));
            String errors = second.command("log 2000 error");
            assertEquals("no ERROR on a restart from the same folder:\n" + errors, "", errors.strip());
            assertEquals("the JVM's exit code on SIGTERM", 143, second.terminate());
        }
        RuntimeProcess.deleteTree(dir);
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
        RuntimeProcess.writeConfiguration(dir.resolve("conf"));
        int expectedBundles = RuntimeProcess.runBundles() + 1;
        Path copy = dir.resolve("circuit-breaker-copy.jar");
        String breakerLocation = copy.toUri().toString();

        try (RuntimeProcess first = new RuntimeProcess(dir, 1)) {
            first.awaitEverythingUp(expectedBundles);
            String lb = first.command("lb -s");
            for (String bsn : List.of("io.dwcp.resilience.retry", "io.dwcp.resilience.circuitbreaker",
                    "org.hdrhistogram.HdrHistogram")) {
                String updated = first.command("update " + RuntimeProcess.bundleId(lb, bsn));
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
            first.command("uninstall " + RuntimeProcess.bundleId(lb, "io.dwcp.resilience.circuitbreaker"));
            String installed = first.command("install " + breakerLocation);
            Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(installed);
            assertTrue("installed: " + installed, id.find());
            first.command("start " + id.group(1));
            first.command("uninstall " + RuntimeProcess.bundleId(lb, "io.dwcp.resilience.injector.cpu"));
            first.awaitEverythingUp(expectedBundles - 1);
            first.stopFromConsole();
        }

        try (RuntimeProcess second = new RuntimeProcess(dir, 2)) {
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
            String updated = second.command("update " + RuntimeProcess.bundleId(second.command("lb -s"), "io.dwcp.resilience.retry"));
            assertFalse("update without a URL after the restart:\n" + updated, updated.contains("Exception"));
            assertEquals("the JVM's exit code on SIGTERM", 143, second.terminate());
        }
        RuntimeProcess.deleteTree(dir);
    }
}
