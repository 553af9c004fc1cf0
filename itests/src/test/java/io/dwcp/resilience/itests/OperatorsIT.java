package io.dwcp.resilience.itests;

import io.dwcp.resilience.api.ResilienceManager;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.view.ConfigurationView;
import io.dwcp.resilience.api.view.ResilienceView;
import io.dwcp.resilience.itests.fixtures.StageBundles;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.inject.Inject;
import javax.management.ObjectName;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * What an operator reaches without Java: the Prometheus endpoint (checked by promtool when it is
 * installed), the JMX MBeans, the configuration in force after a refused change, and dwcp:swap under
 * load.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OperatorsIT extends DwcpTestSupport {

    @Inject
    private ResilienceManager manager;

    private static final String V1 = "itest.ops.breaker.v1";
    private static final String V2 = "itest.ops.breaker.v2";

    @Inject
    private ResilienceView view;

    @Configuration
    public Option[] config() {
        writeBundle(V1 + ".jar", stageBundle(V1, 0));
        writeBundle(V2 + ".jar", stageBundle(V2, 10));
        List<Option> options = baseOptions();
        options.add(systemProperty("dwcp.itests.requirePromtool").value(System.getProperty("dwcp.itests.requirePromtool", "false")));
        return options.toArray(new Option[0]);
    }

    /** Host side: a bundle holding only a counting circuit-breaker stage for send. */
    private static java.io.InputStream stageBundle(String symbolicName, int ranking) {
        return StageBundles.countingStage(symbolicName, StageKind.CIRCUIT_BREAKER.id(), "send", ranking);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    public void aLiveScrapeIsValidPrometheusTextAndJmxShowsTheSameCounts() throws Exception {
        int port = freePort();
        configure("dwcp.metrics", "host", "127.0.0.1", "port", port, "path", "/metrics", "jmx.refresh.seconds", 1);
        for (int i = 0; i < 25; i++) {
            manager.execute("sync", inv -> "ok");
        }
        String[] body = new String[1];
        await("the endpoint", () -> (body[0] = scrape(port)) != null);
        String text = body[0];
        assertTrue(text, text.contains("dwcp_calls_total{operation=\"sync\",outcome=\"success\"} 25"));
        assertTrue(text, text.contains("# TYPE dwcp_call_duration_seconds histogram"));
        assertTrue(text, text.contains("dwcp_call_duration_seconds_count{operation=\"sync\"} 25"));
        assertTrue(text, text.contains("dwcp_call_duration_seconds_bucket{operation=\"sync\",le=\"+Inf\"} 25"));

        String promtool = findPromtool();
        if (promtool == null) {
            Assume.assumeFalse("promtool is required here (dwcp.itests.requirePromtool=true) but not on the PATH",
                    Boolean.getBoolean("dwcp.itests.requirePromtool"));
            System.out.println("OperatorsIT: promtool not found on the PATH; the scrape is not linted (Debian: apt-get install prometheus)");
        } else {
            File scrape = File.createTempFile("dwcp-scrape", ".prom");
            Files.writeString(scrape.toPath(), text);
            Process p = new ProcessBuilder(promtool, "check", "metrics").redirectInput(scrape).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue("promtool did not finish", p.waitFor(30, TimeUnit.SECONDS));
            assertEquals("promtool check metrics:\n" + out, 0, p.exitValue());
            assertEquals("promtool check metrics found problems:\n" + out, "", out.trim());
        }

        ObjectName sync = new ObjectName("io.dwcp:type=Operation,operation=sync");
        await("the sync MBean", () -> ManagementFactory.getPlatformMBeanServer().isRegistered(sync));
        assertEquals(25.0, (Double) ManagementFactory.getPlatformMBeanServer().getAttribute(sync, "Calls"), 0.0);
    }

    @Test
    public void aRefusedChangeIsShownBesideTheValuesInForce() throws Exception {
        int port = freePort();
        configure("dwcp.metrics", "port", port, "jmx.enabled", false);
        await("the endpoint on " + port, () -> scrape(port) != null);
        configure("dwcp.metrics", "port", 70000, "jmx.enabled", false);
        await("the refusal", () -> view.configuration("dwcp.metrics").flatMap(ConfigurationView::refusal).isPresent());
        ConfigurationView c = view.configuration("dwcp.metrics").orElseThrow();
        assertEquals(70000, c.configured().get("port"));
        assertEquals(port, c.inForce().get("port"));
        assertEquals("port", c.lastRefusal().key());
        assertTrue(c.lastRefusal().reason(), c.lastRefusal().reason().contains("65535"));
        assertTrue("the previous endpoint still serves", scrape(port) != null);

        String out = command("config", "dwcp.metrics");
        assertTrue(out, out.contains("in force the previous values"));
        assertTrue(out, out.contains("key port"));
    }

    @Test
    public void wrongArgumentsAreAnsweredWithUsageAndReason() throws Exception {
        String out = command("chaos", "arm", "--for", "5x");
        assertTrue(out, out.contains("--for '5x' is not a duration"));
        assertTrue(out, out.contains("usage: dwcp:chaos status"));
        out = command("swap", "breaker", "file:/nowhere.jar");
        assertTrue(out, out.contains("unknown stage kind 'breaker'"));
        assertFalse(out, out.contains("Exception"));
        out = command("stages", "send");
        assertTrue(out, out.contains("circuit-breaker") || out.contains("timeout") || out.contains("missing"));
    }

    @Test
    public void swapReplacesAStageProviderUnderLoadWithoutAFailedCall() throws Exception {
        configure("dwcp.manager", "missing.stage.policy", "bypass", "missing.stage.policy.overrides", "send:circuit-breaker=reject");
        Bundle v1 = context.installBundle(testBundleLocation(V1 + ".jar"));
        v1.start();
        await("v1 in the chain", () -> V1.equals(breakerProvider()));

        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder ok = new LongAdder();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService callers = Executors.newFixedThreadPool(2);
        String out;
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                loops.add(callers.submit(() -> {
                    while (running.get()) {
                        try {
                            manager.execute("send", "peer-1", inv -> "ok");
                            ok.increment();
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            await("calls through v1", () -> ok.sum() > 2_000);
            out = command("swap", "circuit-breaker", "send", testBundleLocation(V2 + ".jar"));
            long atSwap = ok.sum();
            await("calls through v2", () -> ok.sum() > atSwap + 2_000);
            running.set(false);
            for (Future<?> f : loops) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            running.set(false);
            callers.shutdownNow();
        }
        assertEquals("failed calls: " + failures.stream().limit(3).toList(), 0, failures.size());
        assertTrue(out, out.contains("swapped circuit-breaker to bundle"));
        assertTrue(out, out.contains("stopped and uninstalled bundle " + v1.getBundleId()));
        assertEquals(V2, breakerProvider());
        assertEquals(Bundle.UNINSTALLED, v1.getState());

        // a location that is no bundle: nothing changes, the reason is given
        File notABundle = File.createTempFile("not-a-bundle", ".jar");
        out = command("swap", "circuit-breaker", "send", notABundle.toURI().toString());
        assertTrue(out, out.contains("nothing changed: cannot install"));
        assertEquals(V2, breakerProvider());

        context.getBundle(testBundleLocation(V2 + ".jar")).uninstall();
        configure("dwcp.manager", "missing.stage.policy", "bypass");
        await("the default policy", () -> manager.chain("send").accepting());
    }

    private String breakerProvider() {
        return manager.chain("send").stages().stream().filter(d -> d.kind() == StageKind.CIRCUIT_BREAKER)
                .map(StageDescriptor::bundleSymbolicName).findFirst().orElse(null);
    }

    /** Runs a dwcp: command the way Gogo does (by its function name, with string arguments: {@code Object...}, see Args) and returns what it printed. */
    private String command(String function, String... args) throws Exception {
        ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(osgi.command.scope=dwcp)");
        assertTrue("no dwcp commands registered", refs != null && refs.length == 1);
        Object commands = context.getService(refs[0]);
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        synchronized (System.class) {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            try {
                commands.getClass().getMethod(function, Object[].class).invoke(commands, (Object) args);
            } finally {
                System.setOut(original);
                context.ungetService(refs[0]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String scrape(int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/metrics").openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            if (c.getResponseCode() != 200) {
                return null;
            }
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static String findPromtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "promtool");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
