package io.dwcp.resilience.defaults.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultConfigurationSeederTest {

    @TempDir
    Path tmp;

    private List<URL> defaults() throws IOException {
        Path shipped = Files.createDirectories(tmp.resolve("shipped"));
        Files.writeString(shipped.resolve("dwcp.manager.cfg"), "missing.stage.policy = bypass\n");
        Files.writeString(shipped.resolve("dwcp.retry~send.cfg"), "dwcp.operation = send\n");
        return List.of(shipped.resolve("dwcp.manager.cfg").toUri().toURL(),
                shipped.resolve("dwcp.retry~send.cfg").toUri().toURL());
    }

    @Test
    void aMissingFolderIsCreatedWithTheDefaults() throws IOException {
        Path conf = tmp.resolve("conf");
        assertEquals(List.of("dwcp.manager.cfg", "dwcp.retry~send.cfg"), DefaultConfigurationSeeder.seed(conf, defaults()));
        assertEquals("missing.stage.policy = bypass\n", Files.readString(conf.resolve("dwcp.manager.cfg")));
    }

    @Test
    void anEmptyFolderIsSeeded() throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(conf.resolve("README.txt"), "operator notes");
        assertEquals(2, DefaultConfigurationSeeder.seed(conf, defaults()).size());
    }

    @Test
    void anOperatorsConfigurationIsNeverOverwritten() throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(conf.resolve("dwcp.manager.cfg"), "missing.stage.policy = reject\n");
        assertEquals(List.of(), DefaultConfigurationSeeder.seed(conf, defaults()));
        assertEquals("missing.stage.policy = reject\n", Files.readString(conf.resolve("dwcp.manager.cfg")));
        assertEquals(false, Files.exists(conf.resolve("dwcp.retry~send.cfg")));
    }
}
