package io.dwcp.resilience.benchmarks;

import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The real DWCP runtime started inside this JVM, for benchmarks that measure what a user runs: an
 * Apache Felix framework with every bundle of {@code runtime/target/dwcp-runtime.jar} and a copy of
 * the shipped {@code runtime/conf} (read by FileInstall, as {@code java -jar dwcp-runtime.jar} does).
 *
 * <p>The API packages ({@code io.dwcp.resilience.api*}) are exported by the system bundle from this
 * JVM's class path, exactly as the API bundle's manifest exports them, and the API bundle itself is
 * not installed: the benchmark code and the bundles then share one {@code ResilienceManager},
 * {@code Call} and exception class. Everything else (stages, manager, SCR, EventAdmin, ...) runs
 * from the bundles, with their own class loaders, as in production.
 *
 * <p>The ports the shipped configuration fixes (HTTP 8181, metrics 9464, transport 7700) are
 * replaced by free loopback ports so that runs never clash with each other or a parallel build;
 * {@link Builder#set} changes any other key (a key the file lacks is added). Several runtimes may run
 * in one JVM (each has its own storage and configuration folder), e.g. two nodes of one cluster.
 *
 * <pre>{@code
 * try (EmbeddedRuntime node = EmbeddedRuntime.builder()
 *         .set("dwcp.ratelimiter.adaptive-send.cfg", "initial.rate", "1000000")
 *         .start()) {
 *     ResilienceManager manager = node.manager();
 *     node.awaitChain("send", StageKind.RATE_LIMIT, StageKind.RETRY);
 *     manager.execute("send", "peer-1", () -> "ok");
 * }
 * }</pre>
 *
 * <p>Where the runtime is: the folder named by the system property {@code dwcp.runtime.dir}, else
 * {@code runtime} below the working directory (run JMH from the repository root). Build it first
 * with {@code ./mvnw -B -o package -DskipTests -pl runtime,benchmarks -am}.
 */
public final class EmbeddedRuntime implements AutoCloseable {

    private static final String API_BSN = "io.dwcp.resilience.api";
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Framework framework;
    private final Path workDir;
    private final Map<String, Map<String, String>> configuration;

    private EmbeddedRuntime(Framework framework, Path workDir, Map<String, Map<String, String>> configuration) {
        this.framework = framework;
        this.workDir = workDir;
        this.configuration = configuration;
    }

    /** @return a builder for a runtime from {@link #runtimeDir()} with the shipped configuration */
    public static Builder builder() {
        return new Builder(runtimeDir());
    }

    /** @return the runtime module's folder (holds {@code conf/} and {@code target/dwcp-runtime.jar}) */
    public static Path runtimeDir() {
        return Paths.get(System.getProperty("dwcp.runtime.dir", "runtime")).toAbsolutePath().normalize();
    }

    /** @return the framework's bundle context, for looking up any service */
    public BundleContext context() {
        return framework.getBundleContext();
    }

    /** @return the resilience manager, waiting for it if needed */
    public ResilienceManager manager() {
        return service(ResilienceManager.class);
    }

    /**
     * @param type a service interface from the API (or from the class path's OSGi APIs)
     * @return the highest-ranked service of that type, waiting up to 60 s for one
     */
    public <T> T service(Class<T> type) {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (true) {
            try {
                // all references, not only those "assignable" to the system bundle: Felix judges that
                // by the system bundle's wiring, which does not import the API packages it exports
                ServiceReference<?>[] refs = context().getAllServiceReferences(type.getName(), null);
                if (refs != null) {
                    ServiceReference<?> best = java.util.Arrays.stream(refs).max(Comparator.naturalOrder()).orElseThrow();
                    Object service = context().getService(best);
                    if (service != null) {
                        return type.cast(service);
                    }
                }
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no " + type.getName() + " service within 60 s; bundles:\n" + bundles());
            }
            pause(50);
        }
    }

    /**
     * Waits until the manager's chain of {@code operation} holds a stage of every kind given (the
     * configuration is read asynchronously by FileInstall and ConfigAdmin).
     *
     * @return the chain as it is then
     */
    public ChainView awaitChain(String operation, StageKind... kinds) {
        ResilienceManager manager = manager();
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        Set<StageKind> wanted = kinds.length == 0 ? EnumSet.noneOf(StageKind.class) : EnumSet.of(kinds[0], kinds);
        while (true) {
            ChainView chain = manager.chain(operation);
            Set<StageKind> present = chain.stages().stream().map(StageDescriptor::kind).collect(Collectors.toSet());
            if (present.containsAll(wanted) && chain.missing().isEmpty() && !chain.holding()) {
                return chain;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the chain of " + operation + " never held " + wanted + " within 60 s: "
                        + chain + "\nbundles:\n" + bundles());
            }
            pause(50);
        }
    }

    /**
     * @param file a file of the shipped configuration, e.g. {@code dwcp.transport.cfg}
     * @param key  one of its keys
     * @return the value this runtime was started with (after the builder's changes and port choice)
     */
    public String configured(String file, String key) {
        Map<String, String> values = configuration.get(file);
        if (values == null || !values.containsKey(key)) {
            throw new IllegalArgumentException("no key " + key + " in " + file + " of " + workDir.resolve("conf"));
        }
        return values.get(key);
    }

    /** @return one line per bundle: id, state, symbolic name */
    public String bundles() {
        StringBuilder out = new StringBuilder();
        for (Bundle b : context().getBundles()) {
            out.append(b.getBundleId()).append(' ').append(stateName(b.getState())).append(' ')
                    .append(b.getSymbolicName()).append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(TimeUnit.SECONDS.toMillis(30));
        deleteTree(workDir);
    }

    /** What to start: the runtime folder, configuration changes, and nothing else. */
    public static final class Builder {
        private final Path runtimeDir;
        private final Map<String, Map<String, String>> changes = new LinkedHashMap<>();

        private Builder(Path runtimeDir) {
            this.runtimeDir = runtimeDir;
            // the shipped fixed ports, replaced by free ones (the caller may set its own afterwards)
            set("org.apache.felix.http.cfg", "org.osgi.service.http.port", freePort());
            set("dwcp.metrics.cfg", "port", freePort());
            set("dwcp.transport.cfg", "listen.port", freePort());
        }

        /**
         * Changes one key of one configuration file before the runtime starts.
         *
         * @param file  a file name in {@code runtime/conf}, e.g. {@code dwcp.ratelimiter.adaptive-send.cfg}
         * @param key   the key to set (added if the file lacks it)
         * @param value its value
         */
        public Builder set(String file, String key, String value) {
            changes.computeIfAbsent(file, f -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /** Starts the framework and every bundle; returns once the manager service is registered. */
        public EmbeddedRuntime start() throws IOException, BundleException {
            Path jar = runtimeDir.resolve("target/dwcp-runtime.jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("no runtime jar at " + jar + ": build it with ./mvnw -B -o package -DskipTests "
                        + "-pl runtime,benchmarks -am, and run from the repository root or set -Ddwcp.runtime.dir");
            }
            Path work = Files.createTempDirectory("dwcp-embedded-");
            Map<String, Map<String, String>> configuration = writeConfiguration(runtimeDir.resolve("conf"), work.resolve("conf"));
            try (JarFile runtime = new JarFile(jar.toFile())) {
                // the launcher's run path (framework, bnd launcher, the runtime's installer) is replaced by this class
                String runpath = runtime.getManifest().getMainAttributes().getValue("Embedded-Runpath");
                Set<String> launcher = runpath == null ? Set.of() : Set.of(runpath.split(","));
                List<JarEntry> bundleJars = runtime.stream()
                        .filter(e -> e.getName().startsWith("jar/") && e.getName().endsWith(".jar"))
                        .filter(e -> !launcher.contains(e.getName()))
                        .sorted(Comparator.comparing(JarEntry::getName)).collect(Collectors.toList());
                String apiExports = null;
                for (JarEntry e : bundleJars) {
                    Manifest m = manifestOf(runtime, e);
                    if (API_BSN.equals(bsn(m))) {
                        apiExports = m.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
                    }
                }
                if (apiExports == null) {
                    throw new IllegalStateException(jar + " holds no " + API_BSN + " bundle");
                }
                Framework framework = newFramework(work, apiExports);
                framework.start();
                EmbeddedRuntime started = new EmbeddedRuntime(framework, work, configuration);
                List<Bundle> installed = new ArrayList<>();
                for (JarEntry e : bundleJars) {
                    if (API_BSN.equals(bsn(manifestOf(runtime, e)))) {
                        continue; // its packages come from the class path, through the system bundle
                    }
                    try (InputStream in = runtime.getInputStream(e)) {
                        installed.add(framework.getBundleContext().installBundle("jar:" + jar.toUri() + "!/" + e.getName(), in));
                    }
                }
                for (Bundle b : installed) {
                    if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                        b.start();
                    }
                }
                started.manager();
                return started;
            }
        }

        private Map<String, Map<String, String>> writeConfiguration(Path shipped, Path conf) throws IOException {
            Files.createDirectories(conf);
            Map<String, Map<String, String>> written = new TreeMap<>();
            Map<String, Map<String, String>> pending = new HashMap<>();
            changes.forEach((file, keys) -> pending.put(file, new LinkedHashMap<>(keys)));
            try (Stream<Path> files = Files.list(shipped)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".cfg")).sorted().collect(Collectors.toList())) {
                    String name = f.getFileName().toString();
                    Map<String, String> change = pending.getOrDefault(name, new LinkedHashMap<>());
                    Map<String, String> values = new LinkedHashMap<>();
                    List<String> lines = new ArrayList<>();
                    for (String line : Files.readAllLines(f)) {
                        int eq = line.indexOf('=');
                        if (!line.startsWith("#") && eq > 0) {
                            String key = line.substring(0, eq).strip();
                            String value = change.containsKey(key) ? change.remove(key) : line.substring(eq + 1).strip();
                            line = key + " = " + value;
                            values.put(key, value);
                        }
                        lines.add(line);
                    }
                    change.forEach((key, value) -> {
                        lines.add(key + " = " + value);
                        values.put(key, value);
                    });
                    pending.remove(name);
                    Files.write(conf.resolve(name), lines);
                    written.put(name, Collections.unmodifiableMap(values));
                }
            }
            if (!pending.isEmpty()) {
                throw new IllegalArgumentException("no such file in " + shipped + ": " + pending.keySet());
            }
            return written;
        }
    }

    private static Framework newFramework(Path work, String apiExports) {
        // the bnd launcher makes its run properties system properties too; SLF4J's simple logger (Jetty) reads this one there
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Map<String, String> p = new HashMap<>();
        // the runtime's own launch properties (runtime/dwcp-runtime.bndrun, -runproperties)
        p.put("org.apache.felix.http.require.config", "true");
        p.put("org.apache.felix.http.host", "127.0.0.1");
        p.put("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        p.put("felix.fileinstall.dir", work.resolve("conf").toString());
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.log.level", "2");
        p.put("felix.fileinstall.enableConfigSave", "false");
        p.put("felix.log.level", "2");
        // no interactive console on this JVM's stdin (it would keep the JMH fork alive)
        p.put("gosh.args", "--nointeractive");
        p.put(Constants.FRAMEWORK_STORAGE, work.resolve("data").toString());
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, apiExports);
        FrameworkFactory factory = java.util.ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        return factory.newFramework(p);
    }

    private static Manifest manifestOf(JarFile outer, JarEntry inner) throws IOException {
        try (InputStream in = outer.getInputStream(inner); java.util.jar.JarInputStream jar = new java.util.jar.JarInputStream(in)) {
            Manifest m = jar.getManifest();
            if (m == null) {
                throw new IllegalStateException(inner.getName() + " has no manifest");
            }
            return m;
        }
    }

    private static String bsn(Manifest m) {
        String bsn = m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
        return bsn == null ? null : bsn.split(";")[0].strip();
    }

    private static String stateName(int state) {
        switch (state) {
            case Bundle.ACTIVE: return "ACTIVE";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            default: return "UNINSTALLED";
        }
    }

    private static String freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return Integer.toString(s.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }
}
