package io.dwcp.resilience.runtime.installer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/**
 * The bundles inside the runtime jar: every {@code jar/*.jar} entry except those on the launcher's
 * own class path ({@code Embedded-Runpath}: the framework, the launcher, this installer).
 */
final class RuntimeJar implements AutoCloseable {

    /** Where bnd's executable jar lists the jars of the launcher's class path. */
    static final String EMBEDDED_RUNPATH = "Embedded-Runpath";
    private static final String FOLDER = "jar/";

    private final Path path;
    private final JarFile jar;

    /** @param path the runtime jar */
    RuntimeJar(Path path) throws IOException {
        this.path = path;
        this.jar = new JarFile(path.toFile());
    }

    /** @return the runtime jar's path */
    Path path() {
        return path;
    }

    /** @return the bundles it carries, in the order of its entries */
    List<EmbeddedBundle> bundles() throws IOException {
        Set<String> runpath = new HashSet<>();
        Manifest manifest = jar.getManifest();
        String listed = manifest == null ? null : manifest.getMainAttributes().getValue(EMBEDDED_RUNPATH);
        if (listed != null) {
            for (String entry : listed.split(",")) {
                runpath.add(entry.trim());
            }
        }
        String base = "jar:" + path.toUri() + "!/";
        List<EmbeddedBundle> bundles = new ArrayList<>();
        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (entry.isDirectory() || !name.startsWith(FOLDER) || !name.endsWith(".jar") || runpath.contains(name)
                    || name.indexOf('/', FOLDER.length()) >= 0) {
                continue;
            }
            Attributes headers = headers(entry);
            String bsn = headers.getValue("Bundle-SymbolicName");
            if (bsn != null) {
                bsn = bsn.split(";")[0].trim();
            }
            String version = headers.getValue("Bundle-Version");
            bundles.add(new EmbeddedBundle(name, bsn, version == null ? "0.0.0" : version.trim(),
                    headers.getValue("Fragment-Host") != null, Long.toHexString(entry.getCrc()) + "-" + entry.getSize(),
                    base + name, () -> jar.getInputStream(entry)));
        }
        return bundles;
    }

    private Attributes headers(JarEntry entry) throws IOException {
        try (InputStream in = jar.getInputStream(entry); JarInputStream nested = new JarInputStream(in)) {
            Manifest m = nested.getManifest();
            if (m != null) {
                return m.getMainAttributes();
            }
            // JarInputStream finds the manifest only as the first entries; look further
            for (JarEntry e = nested.getNextJarEntry(); e != null; e = nested.getNextJarEntry()) {
                if (e.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                    return new Manifest(nested).getMainAttributes();
                }
            }
            return new Attributes();
        }
    }

    @Override
    public void close() throws IOException {
        jar.close();
    }
}
