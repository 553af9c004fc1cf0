package io.dwcp.resilience.itests.cluster;

import io.dwcp.resilience.itests.cluster.agent.ClusterAgent;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ops4j.pax.tinybundles.TinyBundle;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Constants;

/**
 * Three (or more) DWCP nodes on loopback, each a runtime JVM in a folder of its own under
 * {@code target/cluster/<name>/<node>}: the runtime's default configuration from {@code runtime/conf},
 * a {@code dwcp.transport.cfg} with its node id, a free port and every other node as a peer, the
 * changes a test asks for, and the cluster agent bundle in {@code ./conf} (FileInstall installs it).
 */
public final class Cluster implements AutoCloseable {

    /** The agent bundle's symbolic name. */
    public static final String AGENT_BSN = "io.dwcp.resilience.itests.cluster.agent";

    private final Path root;
    private final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
    private final Map<String, Map<String, Map<String, String>>> conf = new LinkedHashMap<>();

    /**
     * Lays out the nodes' folders (nothing starts yet).
     *
     * @param name a folder name for this cluster under {@code target/cluster}
     * @param ids  the node ids
     */
    public Cluster(String name, String... ids) throws IOException {
        root = Path.of(System.getProperty("dwcp.cluster.dir", "target/cluster")).resolve(name).toAbsolutePath();
        deleteTree(root);
        Path runtimeJar = runtimeJar();
        for (String id : ids) {
            nodes.put(id, new ClusterNode(id, root.resolve(id), freePort(), runtimeJar));
            conf.put(id, new LinkedHashMap<>());
        }
        for (String id : ids) {
            set(id, "dwcp.transport", "node.id", id);
            set(id, "dwcp.transport", "listen.host", "127.0.0.1");
            set(id, "dwcp.transport", "listen.port", Integer.toString(node(id).port()));
            set(id, "dwcp.transport", "peers", nodes.values().stream().filter(n -> !n.id().equals(id))
                    .map(n -> n.id() + "=127.0.0.1:" + n.port()).collect(Collectors.joining(",")));
            // the Prometheus endpoint's default port (9464) is one per machine: each node gets a free one
            set(id, "dwcp.metrics", "port", Integer.toString(freePort()));
            // so is the Web Console's (dashboard) 8181
            set(id, "org.apache.felix.http", "org.osgi.service.http.port", Integer.toString(freePort()));
        }
    }

    public ClusterNode node(String id) {
        ClusterNode node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return node;
    }

    public List<ClusterNode> nodes() {
        return new ArrayList<>(nodes.values());
    }

    /** Sets one configuration key of one node; written when the node is first started. */
    public Cluster set(String nodeId, String pid, String key, String value) {
        conf.get(node(nodeId).id()).computeIfAbsent(pid, p -> new LinkedHashMap<>()).put(key, value);
        return this;
    }

    /** Sets one configuration key on every node. */
    public Cluster setAll(String pid, String key, String value) {
        nodes.keySet().forEach(id -> set(id, pid, key, value));
        return this;
    }

    /** Writes every node's folder and starts all JVMs at once, then waits for each node's {@code DWCPManager}. */
    public void start() throws Exception {
        launchAll();
        for (ClusterNode node : nodes.values()) {
            node.awaitReady();
        }
    }

    /** Writes every node's folder and starts all JVMs at once, then waits for each node's agent only. */
    public void startAgents() throws Exception {
        launchAll();
        for (ClusterNode node : nodes.values()) {
            node.awaitAgent();
        }
    }

    private void launchAll() throws IOException {
        Path agent = agentBundle();
        for (ClusterNode node : nodes.values()) {
            writeConf(node, agent);
        }
        for (ClusterNode node : nodes.values()) {
            node.launch();
        }
    }

    /** @return whether the runtime jar embeds the transport bundle (which provides the {@code DWCPManager}) */
    public static boolean runtimeHasTransport() throws IOException {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(runtimeJar().toFile())) {
            return jar.stream().anyMatch(e -> e.getName().startsWith("jar/io.dwcp.resilience.transport"));
        }
    }

    /** Stops every node (SIGTERM, in parallel), waiting for each. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        for (ClusterNode node : nodes.values()) {
            if (node.isAlive()) {
                try {
                    node.stop();
                } catch (Exception e) {
                    first = first == null ? e : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void writeConf(ClusterNode node, Path agentJar) throws IOException {
        Path conf = node.conf();
        Files.createDirectories(conf);
        try (DirectoryStream<Path> defaults = Files.newDirectoryStream(runtimeDir().resolve("conf"), "*.cfg")) {
            for (Path cfg : defaults) {
                Files.copy(cfg, conf.resolve(cfg.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (Map.Entry<String, Map<String, String>> pid : this.conf.get(node.id()).entrySet()) {
            Path file = conf.resolve(pid.getKey() + ".cfg");
            List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>();
            for (Map.Entry<String, String> kv : pid.getValue().entrySet()) {
                String line = kv.getKey() + " = " + kv.getValue();
                int at = indexOfKey(lines, kv.getKey());
                if (at >= 0) {
                    lines.set(at, line);
                } else {
                    lines.add(line);
                }
            }
            Files.write(file, lines);
        }
        Files.copy(agentJar, conf.resolve("cluster-agent.jar"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static int indexOfKey(List<String> lines, String key) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (!l.startsWith("#") && l.contains("=") && l.substring(0, l.indexOf('=')).trim().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean agentBuilt;

    /** The agent bundle, built once per test JVM from every class of its package by TinyBundles (bnd computes its imports). */
    static synchronized Path agentBundle() throws IOException {
        Path jar = Path.of("target", "test-bundles", "cluster-agent.jar").toAbsolutePath();
        if (!agentBuilt) {
            agentBuilt = true;
            Files.createDirectories(jar.getParent());
            String folder = ClusterAgent.class.getPackageName().replace('.', '/');
            TinyBundle bundle = TinyBundles.bundle()
                    .setHeader(Constants.BUNDLE_SYMBOLICNAME, AGENT_BSN)
                    .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                    .setHeader(Constants.BUNDLE_ACTIVATOR, ClusterAgent.class.getName())
                    .setHeader("Private-Package", ClusterAgent.class.getPackageName());
            try (Stream<Path> classes = Files.list(Path.of(ClusterAgent.class.getResource("ClusterAgent.class").toURI()).getParent())) {
                for (Path c : classes.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList())) {
                    bundle.addResource(folder + "/" + c.getFileName(), c.toUri().toURL());
                }
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            try (InputStream in = bundle.build(TinyBundles.bndBuilder())) {
                Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return jar;
    }

    static Path runtimeDir() {
        return Path.of(System.getProperty("dwcp.runtime.dir", "../runtime")).toAbsolutePath().normalize();
    }

    static Path runtimeJar() {
        Path jar = runtimeDir().resolve("target/dwcp-runtime.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no " + jar + ": build the runtime first (./mvnw package -pl runtime -am)");
        }
        return jar;
    }

    /** A port free now on loopback (the node binds it a moment later; other tests use port 0 or probe too). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
    }

    public Path root() {
        return root;
    }
}
