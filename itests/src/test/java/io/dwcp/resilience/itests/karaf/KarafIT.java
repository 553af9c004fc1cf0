package io.dwcp.resilience.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOption;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.dwcp.resilience.itests.fixtures.StageBundles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.security.auth.Subject;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.ExamFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.container.internal.KarafTestContainerFactory;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * DWCP in Apache Karaf as an operator meets it: the distribution's own tar.gz, {@code feature:install
 * dwcp-resilience} and {@code dwcp-chaos} typed into a Karaf shell session, every DWCP bundle active
 * and every component satisfied, a {@code dwcp:} command run in the session, a stage swapped with
 * {@code dwcp:swap} under load without one failed call, a non-admin refused {@code dwcp:chaos} by the
 * command ACL the feature ships, and no ERROR line in Karaf's log during install, swap or uninstall.
 *
 * <p>Karaf resolves {@code mvn:} URLs from a Maven repository, and the reactor's own artifacts are in
 * none before {@code install}: the build stages them in {@code target/karaf-repo} (repository layout)
 * and this test points Karaf's pax-url at it, then at the local repository for everything else
 * (Karaf's standard features, Netty, Pax Exam's own bundles). No remote repository is consulted.
 *
 * <p>The methods run in name order, one container for the class: install, use, swap, uninstall.
 * This class is loaded before the DWCP feature (and SCR, which it brings) exists in the container, so
 * it names no DWCP or SCR type; {@link KarafLoad} and {@link SatisfiedComponents} do.
 */
@RunWith(PaxExam.class)
@ExamFactory(KarafTestContainerFactory.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class KarafIT {

    private static final String OPERATION = "karaf-itest";
    private static final String V1 = "itest.karaf.breaker.v1";
    private static final String V2 = "itest.karaf.breaker.v2";

    @Inject
    private BundleContext context;

    /** Registered once Karaf's boot features are installed: before that its shell may still restart. */
    @Inject
    private BootFinished bootFinished;

    @Configuration
    public Option[] config() throws IOException {
        String karafVersion = System.getProperty("dwcp.karaf.version", "4.4.8");
        File distribution = new File(System.getProperty("dwcp.karaf.distribution",
                "target/karaf-prefetch/apache-karaf-" + karafVersion + ".tar.gz"));
        File reactorRepo = new File(System.getProperty("dwcp.karaf.repo", "target/karaf-repo"));
        if (!distribution.isFile() || !reactorRepo.isDirectory()) {
            throw new IllegalStateException("the Karaf distribution " + distribution + " or the staged repository "
                    + reactorRepo + " is missing: run the test through Maven (./mvnw verify), which prepares both");
        }
        File testBundles = new File(reactorRepo.getParentFile(), "karaf-test-bundles");
        writeBundle(new File(testBundles, V1 + ".jar"), StageBundles.countingStage(V1, "circuit-breaker", OPERATION, 0));
        writeBundle(new File(testBundles, V2 + ".jar"), StageBundles.countingStage(V2, "circuit-breaker", OPERATION, 10));

        // Karaf's system folder first, then the reactor's staged artifacts, then the local repository
        // (and the read-only tail CI may give it); nothing remote
        StringBuilder repos = new StringBuilder("${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots")
                .append(",").append(reactorRepo.toURI()).append("@id=reactor@snapshots");
        String local = System.getProperty("dwcp.maven.local", System.getProperty("user.home") + "/.m2/repository");
        String tail = System.getProperty("dwcp.maven.local.tail", "");
        if (!tail.isBlank() && !tail.startsWith("${")) {
            for (String t : tail.split(",")) {
                repos.append(",").append(new File(t.trim()).toURI()).append("@id=tail").append(t.hashCode()).append("@snapshots");
            }
        }
        String mvnCfg = "etc/org.ops4j.pax.url.mvn.cfg";
        String mgmtCfg = "etc/org.apache.karaf.management.cfg";
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration().frameworkUrl(distribution.toURI().toString())
                        .karafVersion(karafVersion).name("Apache Karaf")
                        .unpackDirectory(new File(reactorRepo.getParentFile(), "karaf-exam")).useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.INFO),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.localRepository", local),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.defaultRepositories", repos.toString()),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.repositories", ""),
                editConfigurationFilePut(mgmtCfg, "rmiRegistryPort", Integer.toString(freePort())),
                editConfigurationFilePut(mgmtCfg, "rmiServerPort", Integer.toString(freePort())),
                // free ports for what the feature would otherwise open on fixed ones (written before the
                // feature, so the feature keeps them: it never overwrites a configuration that exists)
                editConfigurationFilePut("etc/dwcp.metrics.cfg", "host", "127.0.0.1"),
                editConfigurationFilePut("etc/dwcp.metrics.cfg", "port", Integer.toString(freePort())),
                editConfigurationFilePut("etc/dwcp.transport.cfg", "node.id", "karaf-itest"),
                editConfigurationFilePut("etc/dwcp.transport.cfg", "listen.host", "127.0.0.1"),
                editConfigurationFilePut("etc/dwcp.transport.cfg", "listen.port", Integer.toString(freePort())),
                systemProperty("dwcp.version").value(System.getProperty("dwcp.version", "0.1.0-SNAPSHOT")),
                systemProperty("dwcp.karaf.test.bundles").value(testBundles.getAbsolutePath())));
        // what bin/karaf gives the JVM on Java 9+ (the container's launcher does not)
        for (String o : List.of("--add-reads=java.xml=java.logging",
                "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
                "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
                "--add-opens", "java.base/java.security=ALL-UNNAMED",
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
                "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
                "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
                "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                "--add-exports=java.security.sasl/com.sun.security.sasl=ALL-UNNAMED",
                "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED")) {
            options.add(vmOption(o));
        }
        return options.toArray(new Option[0]);
    }

    @Test
    public void a_featureInstallLeavesEveryBundleActiveEveryComponentSatisfiedAndNoError() throws Exception {
        long logStart = logLength();
        String version = System.getProperty("dwcp.version");
        String out = admin("feature:repo-add mvn:io.dwcp.resilience/dwcp-features/" + version + "/xml/features");
        out += admin("feature:install dwcp-resilience");
        out += admin("feature:install dwcp-chaos");
        assertFalse(out, out.toLowerCase().contains("error") || out.contains("Exception"));

        List<Bundle> dwcp = dwcpBundles();
        assertTrue("the features installed " + dwcp.size() + " DWCP bundles", dwcp.size() >= 20);
        await("every DWCP bundle active", () -> dwcpBundles().stream().allMatch(b -> b.getState() == Bundle.ACTIVE));
        assertTrue("the chaos engine is installed",
                dwcpBundles().stream().anyMatch(b -> b.getSymbolicName().equals("io.dwcp.resilience.chaos")));
        await("every DWCP component satisfied: " + unsatisfiedComponents(), () -> unsatisfiedComponents().isEmpty());
        awaitQuietLog(logStart, "feature:install dwcp-resilience and dwcp-chaos");
    }

    @Test
    public void b_dwcpCommandsRunInAKarafSession() throws Exception {
        String status = admin("dwcp:status");
        assertTrue(status, status.contains("node ") && status.contains("chaos ") && status.contains("send"));
        String stages = viewer("dwcp:stages send");
        assertTrue(stages, stages.contains("circuit-breaker") && stages.contains("io.dwcp.resilience.circuitbreaker"));
        String peers = viewer("dwcp:peers");
        assertTrue(peers, peers.startsWith("node karaf-itest: none configured (dwcp.transport peers); mode "));
        assertTrue(status, status.contains("peers    none configured"));
        String wrong = admin("dwcp:degrade sideways");
        assertTrue(wrong, wrong.contains("usage: dwcp:degrade"));
        assertFalse(wrong, wrong.contains("Exception"));
    }

    @Test
    public void c_aNonAdminIsRefusedChaosAndAnAdminIsNot() throws Exception {
        String refused = viewer("dwcp:chaos arm --for 5m");
        // Karaf's command ACL (shipped with the feature) hides the command from those without the role
        assertTrue("a viewer must not reach dwcp:chaos: " + refused, refused.startsWith("refused: Command not found: dwcp:chaos"));
        String allowed = viewer("dwcp:health");
        assertFalse("a viewer may read: " + allowed, allowed.startsWith("refused: "));
        String status = admin("dwcp:chaos status");
        assertTrue("an admin reaches dwcp:chaos: " + status, status.contains("allowed      no"));
        assertTrue("the viewer's attempt armed nothing: " + status, status.contains("armed        no"));
    }

    @Test
    public void d_swapUnderLoadFailsNoCallAndLogsNoError() throws Exception {
        File dir = new File(System.getProperty("dwcp.karaf.test.bundles"));
        String v1Location = new File(dir, V1 + ".jar").toURI().toString();
        String v2Location = new File(dir, V2 + ".jar").toURI().toString();
        long logStart = logLength();
        Bundle v1 = context.installBundle(v1Location);
        v1.start();
        String out;
        try (KarafLoad load = new KarafLoad(context, OPERATION)) {
            await("v1 in the chain of " + OPERATION, () -> V1.equals(load.breakerProvider()));
            load.start();
            await("calls through v1", () -> load.succeeded() > 2_000);
            out = admin("dwcp:swap circuit-breaker " + OPERATION + " " + v2Location);
            long atSwap = load.succeeded();
            await("calls through v2", () -> load.succeeded() > atSwap + 2_000);
            load.close();
            assertEquals("failed calls during the swap: " + load.failures().stream().limit(3).toList(),
                    0, load.failures().size());
            assertEquals(V2, load.breakerProvider());
        }
        assertTrue(out, out.contains("swapped circuit-breaker to bundle"));
        assertTrue(out, out.contains("stopped and uninstalled bundle " + v1.getBundleId()));
        assertEquals(Bundle.UNINSTALLED, v1.getState());
        context.getBundle(v2Location).uninstall();
        awaitQuietLog(logStart, "dwcp:swap");
    }

    @Test
    public void e_featureUninstallLogsNoErrorAndLeavesNoDwcpBundle() throws Exception {
        long logStart = logLength();
        // -r: no refresh of other bundles; this test's own probe is wired to the DWCP API and would be
        // restarted under its feet
        String out = admin("feature:uninstall -r dwcp-chaos");
        out += admin("feature:uninstall -r dwcp-resilience");
        assertFalse(out, out.toLowerCase().contains("error") || out.contains("Exception"));
        await("no DWCP bundle left", () -> dwcpBundles().isEmpty());
        awaitQuietLog(logStart, "feature:uninstall");
    }

    // ---------------------------------------------------------------- helpers

    /** Runs a command in a Karaf shell session as a user with the admin role, returning what it printed. */
    private String admin(String command) throws Exception {
        return execute(command, "karaf", "admin", "manager", "viewer", "systembundles");
    }

    /** Runs a command as a user who has the viewer role only. */
    private String viewer(String command) throws Exception {
        return execute(command, "itest-viewer", "viewer");
    }

    private String execute(String command, String user, String... roles) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ServiceReference<SessionFactory> ref = context.getServiceReference(SessionFactory.class);
        // a feature:install that refreshes Karaf's shell bundles (a new exporter of a package they import
        // optionally, as jsr305's javax.annotation did) closes every session, SSH included: a defect
        assertTrue("Karaf's shell is running (was it refreshed by the feature?)", ref != null);
        Session session = context.getService(ref).create(new ByteArrayInputStream(new byte[0]), out, out);
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        for (String role : roles) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        try {
            Object result = Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            if (result != null) {
                out.println(result);
            }
        } catch (PrivilegedActionException | RuntimeException e) {
            // what the shell tells a user whose command is refused or not found
            Throwable cause = e instanceof PrivilegedActionException ? e.getCause() : e;
            return "refused: " + cause.getMessage() + "\n" + bytes.toString(StandardCharsets.UTF_8);
        } finally {
            session.close();
            context.ungetService(ref);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private List<Bundle> dwcpBundles() {
        return Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("io.dwcp.resilience."))
                .filter(b -> b.getState() != Bundle.UNINSTALLED)
                .collect(Collectors.toList());
    }

    /** Every DWCP component configuration that is not satisfied or active (SCR comes with the feature). */
    private List<String> unsatisfiedComponents() {
        return SatisfiedComponents.unsatisfied(context, dwcpBundles());
    }

    private static File karafLog() {
        return new File(System.getProperty("karaf.log", System.getProperty("karaf.data") + "/log"), "karaf.log");
    }

    private static long logLength() {
        return karafLog().length();
    }

    /** Waits a moment for late log lines (components, FileInstall), then asserts none since {@code from} is an ERROR. */
    private static void awaitQuietLog(long from, String during) throws Exception {
        Thread.sleep(1_000); // late log lines of asynchronous activation have no event to wait for
        List<String> errors = new ArrayList<>();
        try (RandomAccessFile log = new RandomAccessFile(karafLog(), "r")) {
            log.seek(from);
            byte[] rest = new byte[(int) (log.length() - from)];
            log.readFully(rest);
            for (String line : new String(rest, StandardCharsets.UTF_8).split("\n")) {
                if (line.contains("| ERROR |")) {
                    errors.add(line);
                }
            }
        }
        assertEquals("ERROR lines in karaf.log during " + during + ":\n" + String.join("\n", errors), 0, errors.size());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 30 s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    // ---------------------------------------------------------------- host side

    private static void writeBundle(File target, InputStream bundle) throws IOException {
        try (InputStream in = bundle) {
            Files.createDirectories(target.getParentFile().toPath());
            Files.copy(in, target.toPath(), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
