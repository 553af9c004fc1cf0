package io.dwcp.resilience.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import java.util.Hashtable;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import org.ops4j.pax.exam.ExamFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.nat.internal.NativeTestContainerFactory;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * What every integration test shares: a Felix container provisioned with the bundles the build
 * copied to {@code target/bundles}, and helpers for configuration, logs and waiting.
 *
 * <p>Methods called from {@code @Configuration} run on the host; test methods run inside the container.
 */
@ExamFactory(NativeTestContainerFactory.class) // inherited: Pax Exam's Karaf container is on the classpath too (KarafIT)
public abstract class DwcpTestSupport {

    @Inject
    protected BundleContext context;

    @Inject
    protected ConfigurationAdmin configurationAdmin;

    @Inject
    protected LogReaderService logReader;

    /** Host side: the options every test class starts from. */
    protected static List<Option> baseOptions() {
        File dir = new File(System.getProperty("dwcp.bundles.dir", "target/bundles"));
        File[] jars = dir.listFiles((d, name) -> name.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException("no bundles in " + dir.getAbsolutePath()
                    + ": run the tests through Maven (./mvnw verify), which copies them there");
        }
        Arrays.sort(jars);
        List<Option> options = new ArrayList<>();
        options.add(cleanCaches(true));
        options.add(junitBundles());
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        options.add(systemProperty("dwcp.itests.dir").value(dir.getParentFile().getAbsolutePath()));
        options.add(systemProperty("dwcp.runtime.conf").value(
                System.getProperty("dwcp.runtime.conf", new File("../runtime/conf").getAbsolutePath())));
        for (File jar : jars) {
            options.add(bundle(jar.toURI().toString()));
        }
        return options;
    }

    /** Host side: writes a bundle built by TinyBundles to target/, for a test to install later. */
    protected static File writeBundle(String fileName, InputStream bundle) {
        File target = new File(new File(System.getProperty("dwcp.bundles.dir", "target/bundles")).getParentFile(),
                "test-bundles/" + fileName);
        try (InputStream in = bundle) {
            Files.createDirectories(target.getParentFile().toPath());
            Files.copy(in, target.toPath(), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write test bundle " + target, e);
        }
        return target;
    }

    /** Container side: the location of a bundle written by {@link #writeBundle}. */
    protected static String testBundleLocation(String fileName) {
        return new File(System.getProperty("dwcp.itests.dir"), "test-bundles/" + fileName).toURI().toString();
    }

    /** Polls until the condition holds; the limit is generous because CI runs on a loaded 2-core machine. */
    protected static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 60 s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Replaces a configuration's properties (ConfigAdmin delivers them asynchronously). */
    protected void configure(String pid, Object... keyValues) throws IOException {
        Configuration config = configurationAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        config.update(props);
    }

    /**
     * Hands every file of the runtime's default configuration ({@code runtime/conf}) to ConfigAdmin the
     * way FileInstall does: {@code <factoryPid>-<name>.cfg} as the named factory configuration
     * {@code <factoryPid>~<name>}, any other file as a plain PID, every value as the String it reads;
     * except the ports the runtime listens on (HTTP, metrics, transport), which get free ones so that
     * parallel builds do not clash on 8181, 9464 and 7700.
     *
     * @return the PIDs written
     */
    protected List<String> applyRuntimeConfiguration() throws IOException {
        File dir = new File(System.getProperty("dwcp.runtime.conf"));
        File[] files = dir.listFiles((d, name) -> name.endsWith(".cfg"));
        if (files == null || files.length == 0) {
            throw new IllegalStateException("no .cfg files in " + dir);
        }
        Arrays.sort(files);
        List<String> pids = new ArrayList<>();
        for (File file : files) {
            Properties values = new Properties();
            try (InputStream in = Files.newInputStream(file.toPath())) {
                values.load(in);
            }
            Dictionary<String, Object> props = new Hashtable<>();
            values.forEach((k, v) -> props.put((String) k, v));
            String pid = file.getName().substring(0, file.getName().length() - ".cfg".length());
            for (String portKey : List.of("port", "listen.port", "org.osgi.service.http.port")) {
                if (props.get(portKey) != null) {
                    props.put(portKey, Integer.toString(freeLoopbackPort()));
                }
            }
            int dash = pid.indexOf('-');
            Configuration config = dash < 0 ? configurationAdmin.getConfiguration(pid, "?")
                    : configurationAdmin.getFactoryConfiguration(pid.substring(0, dash), pid.substring(dash + 1), "?");
            config.update(props);
            pids.add(config.getPid());
        }
        return pids;
    }

    /** @return a port free on the loopback interface right now */
    protected static int freeLoopbackPort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** @return the (factory) PIDs the DWCP bundles declare in their metatype, with their definitions */
    protected Map<String, ObjectClassDefinition> declaredConfigurations(MetaTypeService metaTypes) {
        Map<String, ObjectClassDefinition> declared = new HashMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() == null || !b.getSymbolicName().startsWith("io.dwcp")) {
                continue;
            }
            MetaTypeInformation info = metaTypes.getMetaTypeInformation(b);
            if (info == null) {
                continue;
            }
            for (String pid : info.getPids()) {
                declared.put(pid, info.getObjectClassDefinition(pid, null));
            }
            for (String pid : info.getFactoryPids()) {
                declared.put(pid, info.getObjectClassDefinition(pid, null));
            }
        }
        return declared;
    }

    /** Waits until each PID's component is active or satisfied; @return their properties by PID */
    protected static Map<String, Map<String, Object>> awaitActive(ServiceComponentRuntime scr, Set<String> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Map<String, Map<String, Object>> active = new HashMap<>();
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    Object pid = c.properties.get("service.pid");
                    if (pid != null && (c.state == ComponentConfigurationDTO.ACTIVE
                            || c.state == ComponentConfigurationDTO.SATISFIED)) {
                        active.put(pid.toString(), c.properties);
                    }
                }
            }
            if (active.keySet().containsAll(wanted)) {
                return active;
            }
            if (System.nanoTime() > deadline) {
                Set<String> missing = new TreeSet<>(wanted);
                missing.removeAll(active.keySet());
                throw new AssertionError("no active component took " + missing);
            }
            Thread.sleep(50);
        }
    }

    /** @return the stage kinds of each DWCP operation's chain, or {@code null} while no manager is registered */
    protected Map<String, List<StageKind>> chains() {
        ServiceReference<ResilienceManager> ref = context.getServiceReference(ResilienceManager.class);
        ResilienceManager manager = ref == null ? null : context.getService(ref);
        if (manager == null) {
            return null;
        }
        Map<String, List<StageKind>> chains = new LinkedHashMap<>();
        for (String operation : Operations.DWCP) {
            chains.put(operation, manager.chain(operation).stages().stream().map(StageDescriptor::kind)
                    .collect(Collectors.toList()));
        }
        return chains;
    }

    /** Collects log messages from now on. */
    protected final class LogCapture implements LogListener, AutoCloseable {
        private final List<String> messages = Collections.synchronizedList(new ArrayList<>());

        public LogCapture() {
            logReader.addLogListener(this);
        }

        @Override
        public void logged(LogEntry entry) {
            messages.add(entry.getLogLevel() + " " + entry.getBundle().getSymbolicName() + ": " + entry.getMessage()
                    + (entry.getException() == null ? "" : " (" + entry.getException() + ")"));
        }

        public boolean contains(String text) {
            synchronized (messages) {
                return messages.stream().anyMatch(m -> m.contains(text));
            }
        }

        /** Every message logged at {@code level} or worse so far. */
        public List<String> atLeast(LogLevel level) {
            synchronized (messages) {
                return messages.stream().filter(m -> LogLevel.valueOf(m.substring(0, m.indexOf(' '))).ordinal()
                        <= level.ordinal()).toList();
            }
        }

        public String find(String text) {
            synchronized (messages) {
                return messages.stream().filter(m -> m.contains(text)).findFirst().orElse(null);
            }
        }

        @Override
        public void close() {
            logReader.removeLogListener(this);
        }
    }
}
