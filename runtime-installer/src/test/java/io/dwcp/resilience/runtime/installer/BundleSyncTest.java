package io.dwcp.resilience.runtime.installer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/**
 * {@link BundleSync} against a real Felix framework whose storage is kept between "restarts", with
 * runtime jars built here: what an operator does at the console between two starts, and what the
 * next start then does.
 */
class BundleSyncTest {

    @TempDir
    Path dir;

    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private Framework framework;

    @AfterEach
    void stopFramework() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    @Test
    void firstStartInstallsEveryBundleUnderALocationThatReadsItAgainAndStartsAllButFragments() throws Exception {
        Path jar = runtimeJar("r1.jar", bundle("a", "1.0.0", null, "one"), bundle("b", "1.0.0", null, "one"),
                bundle("frag", "1.0.0", "a", "one"));
        BundleContext ctx = start(jar);

        assertEquals(List.of("a", "b", "frag"), names(ctx));
        Bundle a = only(ctx, "a");
        assertEquals(Bundle.ACTIVE, a.getState());
        assertTrue(only(ctx, "frag").getState() != Bundle.ACTIVE, "a fragment is never started");
        assertTrue(a.getLocation().startsWith("jar:file:") && a.getLocation().endsWith("!/jar/a.jar"), a.getLocation());
        try (InputStream in = new URL(a.getLocation()).openStream()) {
            assertTrue(in.readAllBytes().length > 0, "the location reads the bundle from the runtime jar");
        }
        a.update(); // the console's `update <id>` without a URL (issue 12 item 5)
        assertEquals(Bundle.ACTIVE, a.getState());
        assertTrue(out.contains(BundleSync.PREFIX + "installed 3 bundles from " + jar), out.toString());
        assertTrue(err.isEmpty(), err.toString());
    }

    @Test
    void aBundleReinstalledFromAFileNeitherFailsTheNextStartNorIsInstalledTwice() throws Exception {
        byte[] a = bundle("a", "1.0.0", null, "one");
        Path jar = runtimeJar("r1.jar", a, bundle("b", "1.0.0", null, "one"));
        BundleContext ctx = start(jar);
        only(ctx, "a").uninstall();
        Path copy = Files.write(dir.resolve("a-copy.jar"), a);
        ctx.installBundle(copy.toUri().toString()).start();
        restart(jar); // the bnd launcher installed jar/a.jar again here: "symbolic name and version are not unique"

        ctx = framework.getBundleContext();
        Bundle only = only(ctx, "a");
        assertEquals(copy.toUri().toString(), only.getLocation(), "the operator's install stands");
        assertEquals(Bundle.ACTIVE, only.getState());
        assertTrue(err.isEmpty(), err.toString());
    }

    @Test
    void anUninstalledBundleStaysUninstalledAndTheLogSaysHowToBringItBack() throws Exception {
        Path jar = runtimeJar("r1.jar", bundle("a", "1.0.0", null, "one"), bundle("b", "1.0.0", null, "one"));
        BundleContext ctx = start(jar);
        String location = only(ctx, "b").getLocation();
        only(ctx, "b").uninstall();
        restart(jar);

        assertEquals(List.of("a"), names(framework.getBundleContext()));
        assertTrue(out.contains(BundleSync.PREFIX + "b is not installed: it was uninstalled, and stays so (to bring it "
                + "back: install " + location + ")"), out.toString());
        framework.getBundleContext().installBundle(location).start(); // as the line says
        assertEquals(List.of("a", "b"), names(framework.getBundleContext()));
    }

    @Test
    void anOperatorsUpdateFromAnotherUrlStandsAcrossRestarts() throws Exception {
        Path jar = runtimeJar("r1.jar", bundle("a", "1.0.0", null, "one"));
        BundleContext ctx = start(jar);
        Path patched = Files.write(dir.resolve("a-patched.jar"), bundle("a", "1.0.1", null, "patched"));
        try (InputStream in = Files.newInputStream(patched)) {
            only(ctx, "a").update(in);
        }
        restart(jar);
        assertEquals("1.0.1", only(framework.getBundleContext(), "a").getVersion().toString());
    }

    @Test
    void aNewRuntimeJarUpdatesItsBundlesInPlaceButLeavesAnUninstalledOneOut() throws Exception {
        Path jar1 = runtimeJar("r1.jar", bundle("a", "1.0.0", null, "one"), bundle("b", "1.0.0", null, "one"));
        BundleContext ctx = start(jar1);
        long id = only(ctx, "a").getBundleId();
        only(ctx, "b").uninstall();
        Path jar2 = runtimeJar("r2.jar", bundle("a", "1.1.0", null, "two"), bundle("b", "1.1.0", null, "two"),
                bundle("c", "1.0.0", null, "two"));
        restart(jar2);

        ctx = framework.getBundleContext();
        assertEquals(List.of("a", "c"), names(ctx));
        Bundle a = only(ctx, "a");
        assertEquals(id, a.getBundleId(), "updated in place: same id, same data area");
        assertEquals("1.1.0", a.getVersion().toString());
        assertEquals(Bundle.ACTIVE, only(ctx, "c").getState(), "a bundle new in this runtime jar is installed");
    }

    @Test
    void aStorageTheBndLauncherFilledIsAdoptedNotInstalledTwice() throws Exception {
        byte[] a = bundle("a", "1.0.0", null, "one");
        Path jar = runtimeJar("r1.jar", a, bundle("b", "1.0.0", null, "one"));
        framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("data").toString()));
        framework.init();
        framework.getBundleContext().installBundle("jar/a.jar", new java.io.ByteArrayInputStream(a)).start();
        framework.start();
        framework.stop();
        framework.waitForStop(10_000);
        framework = null;
        restart(jar);

        BundleContext ctx = framework.getBundleContext();
        assertEquals(List.of("a", "b"), names(ctx));
        assertEquals("jar/a.jar", only(ctx, "a").getLocation());
        assertTrue(err.isEmpty(), err.toString());
    }

    @Test
    void aBundleThatCannotBeInstalledIsReportedAndTheOthersStillCome() throws Exception {
        Path jar = runtimeJar("r1.jar", bundle("a", "1.0.0", null, "one"), "not a jar".getBytes(),
                bundle("c", "1.0.0", null, "one"));
        BundleContext ctx = start(jar);
        assertEquals(List.of("a", "c"), names(ctx));
        assertEquals(1, err.size(), err.toString());
        assertTrue(err.get(0).startsWith(BundleSync.PREFIX + "could not install or update jar/x1.jar"), err.get(0));
    }

    /**
     * The Gogo shell starts one level above every other bundle, so its prompt comes once they are all
     * started (typed dwcp: commands were "not found" for 25-30 s of a start on a loaded machine); on a
     * restart of a storage whose shell is at level 1 (an earlier runtime) it is moved up too.
     */
    @Test
    void theShellStartsAfterEveryOtherBundle() throws Exception {
        Path jar = runtimeJar("r1.jar", bundle("a", "1.0.0", null, "one"), bundle(BundleSync.SHELL, "1.1.4", null, "one"),
                bundle("z", "1.0.0", null, "one"));
        List<String> started = new CopyOnWriteArrayList<>();
        BundleContext ctx = start(jar, started);
        Bundle shell = only(ctx, BundleSync.SHELL);
        assertEquals(Bundle.ACTIVE, shell.getState());
        assertEquals(BundleSync.SHELL_START_LEVEL, shell.adapt(org.osgi.framework.startlevel.BundleStartLevel.class).getStartLevel());
        assertEquals(BundleSync.SHELL, started.get(started.size() - 1), "started in the order " + started);
        assertEquals(3, started.size(), started.toString());

        shell.adapt(org.osgi.framework.startlevel.BundleStartLevel.class).setStartLevel(1); // as an earlier runtime left it
        framework.stop();
        framework.waitForStop(10_000);
        started.clear();
        start(jar, started);
        assertEquals(BundleSync.SHELL, started.get(started.size() - 1), "started in the order " + started);
        assertTrue(err.isEmpty(), err.toString());
    }

    // ------------------------------------------------------------------ helpers

    /** Starts at the runtime's beginning start level, recording the order in which the bundles start. */
    private BundleContext start(Path runtimeJar, List<String> started) throws Exception {
        framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("data").toString(),
                Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(BundleSync.SHELL_START_LEVEL)));
        framework.init();
        BundleContext ctx = framework.getBundleContext();
        ctx.addBundleListener((org.osgi.framework.SynchronousBundleListener) e -> {
            if (e.getType() == org.osgi.framework.BundleEvent.STARTED && e.getBundle().getBundleId() != 0) {
                started.add(e.getBundle().getSymbolicName());
            }
        });
        try (RuntimeJar jar = new RuntimeJar(runtimeJar)) {
            new BundleSync(ctx, ctx.getDataFile(BundleSync.RECORD).toPath(), out::add, err::add)
                    .sync(jar.bundles(), runtimeJar.toString());
        }
        framework.start();
        return ctx;
    }

    private BundleContext start(Path runtimeJar) throws Exception {
        framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("data").toString()));
        framework.init();
        BundleContext ctx = framework.getBundleContext();
        try (RuntimeJar jar = new RuntimeJar(runtimeJar)) {
            new BundleSync(ctx, ctx.getDataFile(BundleSync.RECORD).toPath(), out::add, err::add)
                    .sync(jar.bundles(), runtimeJar.toString());
        }
        framework.start();
        return ctx;
    }

    private void restart(Path runtimeJar) throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(10_000);
        }
        out.clear();
        start(runtimeJar);
    }

    private static List<String> names(BundleContext ctx) {
        List<String> names = new ArrayList<>();
        for (Bundle b : ctx.getBundles()) {
            if (b.getBundleId() != 0) {
                names.add(b.getSymbolicName());
            }
        }
        names.sort(null);
        return names;
    }

    private static Bundle only(BundleContext ctx, String bsn) {
        List<Bundle> found = Arrays.stream(ctx.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).toList();
        assertEquals(1, found.size(), "bundles named " + bsn + ": " + found);
        return found.get(0);
    }

    /** A runtime jar as bnd exports it: the launcher's class path listed in Embedded-Runpath, bundles in jar/. */
    private Path runtimeJar(String name, byte[]... bundles) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue(RuntimeJar.EMBEDDED_RUNPATH, "jar/framework.jar");
        Path path = dir.resolve(name);
        try (OutputStream o = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(o, m)) {
            jar.putNextEntry(new JarEntry("launcher.properties"));
            jar.closeEntry();
            jar.putNextEntry(new JarEntry("jar/framework.jar"));
            jar.write(bundle("framework", "1.0.0", null, "never installed"));
            jar.closeEntry();
            for (byte[] b : bundles) {
                String bsn = bsnOf(b);
                jar.putNextEntry(new JarEntry("jar/" + (bsn == null ? "x" + Arrays.asList(bundles).indexOf(b) : bsn) + ".jar"));
                jar.write(b);
                jar.closeEntry();
            }
        }
        return path;
    }

    private static String bsnOf(byte[] bundle) {
        try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(new java.io.ByteArrayInputStream(bundle))) {
            return in.getManifest() == null ? null : in.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
        } catch (IOException e) {
            return null;
        }
    }

    /** A bundle with a manifest and one resource, so that two builds of the same version differ. */
    private static byte[] bundle(String bsn, String version, String host, String content) throws IOException {
        Manifest m = new Manifest();
        Attributes main = m.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, bsn);
        main.putValue(Constants.BUNDLE_VERSION, version);
        if (host != null) {
            main.putValue(Constants.FRAGMENT_HOST, host);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, m)) {
            jar.putNextEntry(new JarEntry("content.txt"));
            jar.write(content.getBytes());
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }
}
