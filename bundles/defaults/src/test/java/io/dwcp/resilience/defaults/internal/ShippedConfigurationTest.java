package io.dwcp.resilience.defaults.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Guards runtime/conf, the one source of the default configuration, against mistakes FileInstall would hide. */
class ShippedConfigurationTest {

    private static final Path CONF = Paths.get("..", "..", "runtime", "conf");

    private static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(CONF)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".cfg")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void factoryConfigurationsAreNamedTheWayFileInstallReadsThem() throws IOException {
        assertFalse(files().isEmpty(), "no .cfg in " + CONF.toAbsolutePath());
        for (Path f : files()) {
            // FileInstall 3.7 takes <factoryPid>-<name>.cfg as a factory configuration; a '~' in the
            // file name makes a plain configuration that no factory component ever sees.
            assertFalse(f.getFileName().toString().contains("~"),
                    f.getFileName() + ": name factory configurations <factoryPid>-<name>.cfg");
        }
    }

    @Test
    void everyFileParsesAndSaysSomething() throws IOException {
        for (Path f : files()) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f)) {
                p.load(r);
            }
            assertTrue(!p.isEmpty(), f.getFileName() + " has no keys");
        }
    }
}
