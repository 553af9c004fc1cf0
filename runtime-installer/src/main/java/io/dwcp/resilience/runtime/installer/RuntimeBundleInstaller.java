package io.dwcp.resilience.runtime.installer;

import java.io.File;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Path;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Installs the runtime jar's bundles ({@link BundleSync}), started by the bnd launcher with the
 * system bundle's context right after the framework's {@code init}, before its bundles start.
 *
 * <p>Why not the launcher's own installation: it installs each bundle under the bare location
 * {@code jar/<file>.jar}, which is no URL, so {@code update <id>} without a URL fails with
 * {@code MalformedURLException: no protocol}; and it looks bundles up by that location only, so
 * after an operator uninstalled one and installed the same jar from a file, the next start
 * installed a second copy and the JVM exited with "Bundle symbolic name and version are not
 * unique". The runtime's bndrun therefore empties {@code launch.bundles} and leaves the bundles to
 * this class.
 */
public final class RuntimeBundleInstaller implements BundleActivator {

    /** Tells the bnd launcher when to start this activator: after the framework's init, before its bundles. */
    public static final String IMMEDIATE = "AFTER_FRAMEWORK_INIT";

    /** A resource only the runtime jar holds: bnd writes the launcher's properties there. */
    private static final String LAUNCHER_PROPERTIES = "launcher.properties";

    @Override
    public void start(BundleContext systemContext) throws Exception {
        Path jar = runtimeJar();
        if (jar == null) {
            System.err.println(BundleSync.PREFIX + "not started from a runtime jar (no " + LAUNCHER_PROPERTIES
                    + " inside a jar on the class path): no bundles installed");
            return;
        }
        File record = systemContext.getDataFile(BundleSync.RECORD);
        if (record == null) {
            System.err.println(BundleSync.PREFIX + "the framework has no storage for its record: no bundles installed");
            return;
        }
        try (RuntimeJar runtime = new RuntimeJar(jar)) {
            new BundleSync(systemContext, record.toPath(), System.out::println, System.err::println)
                    .sync(runtime.bundles(), jar.toString());
        }
    }

    @Override
    public void stop(BundleContext systemContext) {
        // nothing to undo: the bundles stay installed in the framework storage
    }

    /** @return the runtime jar this launcher runs from, or {@code null} */
    static Path runtimeJar() throws IOException, URISyntaxException {
        URL url = RuntimeBundleInstaller.class.getClassLoader().getResource(LAUNCHER_PROPERTIES);
        if (url == null) {
            return null;
        }
        URLConnection c = url.openConnection();
        if (!(c instanceof JarURLConnection jc)) {
            return null;
        }
        return Path.of(jc.getJarFileURL().toURI());
    }
}
