package io.dwcp.resilience.defaults.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Karaf feature repeats the default configuration of runtime/conf in its {@code <config>}
 * elements (Karaf cannot read FileInstall's folder from a feature). This keeps the two from drifting.
 */
class KarafFeatureConfigurationTest {

    private static final Path CONF = Paths.get("..", "..", "runtime", "conf");
    private static final Path FEATURE = Paths.get("..", "..", "features", "src", "main", "feature", "feature.xml");
    private static final Pattern CONFIG = Pattern.compile("<config name=\"([^\"]+)\">(.*?)</config>", Pattern.DOTALL);

    @Test
    void theFeatureCarriesExactlyTheDefaultsOfRuntimeConf() throws IOException {
        Map<String, Properties> feature = new TreeMap<>();
        Matcher m = CONFIG.matcher(Files.readString(FEATURE));
        while (m.find()) {
            if (m.group(1).startsWith("org.apache.karaf.")) {
                continue; // Karaf's own settings (the command ACL): nothing in the Felix runtime matches them
            }
            Properties p = new Properties();
            p.load(new StringReader(m.group(2)));
            feature.put(m.group(1), p);
        }
        Map<String, Properties> conf = new TreeMap<>();
        try (Stream<Path> files = Files.list(CONF)) {
            for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".cfg"))::iterator) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f)) {
                    p.load(r);
                }
                String name = f.getFileName().toString();
                if (name.startsWith("org.apache.felix.") || name.startsWith("org.osgi.service.log.admin")) {
                    // the Felix runtime's HTTP server, Web Console and log levels: Karaf configures its
                    // own (Pax Web, and Pax Logging in etc/org.ops4j.pax.logging.cfg, INFO by default)
                    continue;
                }
                conf.put(name.substring(0, name.length() - 4), p);
            }
        }
        assertEquals(new TreeSet<>(conf.keySet()), new TreeSet<>(feature.keySet()),
                "the configurations named in runtime/conf and in the feature differ");
        for (Map.Entry<String, Properties> e : conf.entrySet()) {
            assertEquals(new TreeMap<>(e.getValue()), new TreeMap<>(feature.get(e.getKey())),
                    e.getKey() + ": runtime/conf and the Karaf feature disagree");
        }
    }
}
