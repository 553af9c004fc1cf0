package io.dwcp.resilience.defaults.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Writes the shipped default configuration into the folder FileInstall watches
 * ({@code felix.fileinstall.dir}), once: when that folder does not exist yet or holds no
 * {@code .cfg} file. After that the folder belongs to the operator, as Karaf's {@code etc/} does;
 * deleting one file there is respected, deleting them all brings the defaults back.
 */
@Component(immediate = true, service = {})
public class DefaultConfigurationSeeder {

    static final String FILEINSTALL_DIR = "felix.fileinstall.dir";
    static final String RESOURCE_FOLDER = "dwcp-defaults";

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Activate
    void activate(BundleContext context) throws IOException {
        String dir = context.getProperty(FILEINSTALL_DIR);
        if (dir == null || dir.isBlank()) {
            logger.info("{} is not set: no configuration folder to seed", FILEINSTALL_DIR);
            return;
        }
        Enumeration<URL> entries = context.getBundle().findEntries(RESOURCE_FOLDER, "*.cfg", false);
        List<URL> defaults = entries == null ? List.of() : Collections.list(entries);
        Path folder = Paths.get(dir).toAbsolutePath();
        List<String> written = seed(folder, defaults);
        if (written.isEmpty()) {
            logger.info("configuration folder {} already configured; defaults not copied", folder);
        } else {
            logger.info("configuration folder {} seeded with the defaults {}", folder, written);
        }
    }

    /** @return the names of the files written; none when the folder already has configuration */
    static List<String> seed(Path folder, List<URL> defaults) throws IOException {
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                if (files.anyMatch(f -> f.getFileName().toString().endsWith(".cfg"))) {
                    return List.of();
                }
            }
        }
        Files.createDirectories(folder);
        List<String> written = new ArrayList<>();
        for (URL url : defaults) {
            String path = url.getPath();
            String name = path.substring(path.lastIndexOf('/') + 1);
            Path target = folder.resolve(name);
            Path temp = folder.resolve("." + name + ".tmp");
            // written aside and renamed, so FileInstall never reads half a file
            try (InputStream in = url.openStream()) {
                Files.copy(in, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            written.add(name);
        }
        Collections.sort(written);
        return written;
    }
}
