package io.dwcp.resilience.itests.cluster.agent;

import io.dwcp.resilience.api.chaos.ArmRequest;
import io.dwcp.resilience.api.chaos.ChaosControl;
import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.DWCPTransport;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The cluster test's hands inside one node (a test fixture, dropped into the node's FileInstall
 * folder): sends through the {@link DWCPManager}, receives everything addressed to the node into a
 * ledger, arms and disarms chaos, updates bundles, and copies the node's log to a file.
 *
 * <p>The test talks to it over a loopback control socket with one-line commands (reply {@code OK …}
 * or {@code ERR …}); the socket's port is written to {@code agent.port} in the agent's folder
 * ({@code dwcp.agent.dir}, default {@code ./agent}). Ledgers live in the same folder. Built by
 * TinyBundles from this package alone, it is a plain activator bundle, as a third party's would be.
 */
public final class ClusterAgent implements BundleActivator, LogListener {

    private BundleContext context;
    private Path dir;
    private ServiceTracker<DWCPManager, DWCPManager> managers;
    private ServiceTracker<DWCPTransport, DWCPTransport> transports;
    private ServiceTracker<ChaosControl, ChaosControl> chaos;
    private ServiceTracker<LogReaderService, LogReaderService> logReaders;
    private DeliveryLedger deliveries;
    private Thread receiver;
    private ServerSocket control;
    private Writer log;
    private final Map<String, SendRun> runs = new ConcurrentHashMap<>();

    @Override
    public void start(BundleContext bc) throws Exception {
        context = bc;
        String where = bc.getProperty("dwcp.agent.dir");
        dir = Paths.get(where == null ? "agent" : where).toAbsolutePath();
        Files.createDirectories(dir);
        log = Files.newBufferedWriter(dir.resolve("node.log"), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        logReaders = new ServiceTracker<>(bc, LogReaderService.class, null) {
            @Override
            public LogReaderService addingService(org.osgi.framework.ServiceReference<LogReaderService> ref) {
                LogReaderService reader = super.addingService(ref);
                reader.addLogListener(ClusterAgent.this);
                return reader;
            }
        };
        logReaders.open();
        managers = new ServiceTracker<>(bc, DWCPManager.class, null);
        managers.open();
        transports = new ServiceTracker<>(bc, DWCPTransport.class, null);
        transports.open();
        chaos = new ServiceTracker<>(bc, ChaosControl.class, null);
        chaos.open();
        deliveries = new DeliveryLedger(managers::getService, dir);
        receiver = new Thread(deliveries, "cluster-agent-receiver");
        receiver.setDaemon(true);
        receiver.start();
        control = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "cluster-agent-control");
        acceptor.setDaemon(true);
        acceptor.start();
        Path tmp = dir.resolve("agent.port.tmp");
        Files.writeString(tmp, Integer.toString(control.getLocalPort()));
        Files.move(tmp, dir.resolve("agent.port"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void stop(BundleContext bc) throws Exception {
        Files.deleteIfExists(dir.resolve("agent.port"));
        control.close();
        runs.values().forEach(SendRun::interrupt);
        deliveries.stop();
        receiver.interrupt();
        receiver.join(5000);
        deliveries.close();
        chaos.close();
        transports.close();
        managers.close();
        logReaders.close();
        synchronized (this) {
            log.close();
        }
    }

    /** Copies every log entry at INFO or above but service events to {@code node.log}, for the test to read. */
    @Override
    public synchronized void logged(LogEntry entry) {
        if (entry.getLogLevel().implies(LogLevel.INFO) && !entry.getMessage().startsWith("ServiceEvent")) {
            try {
                log.write(Instant.ofEpochMilli(entry.getTime()) + " " + entry.getLogLevel() + " "
                        + entry.getBundle().getSymbolicName() + " " + entry.getMessage()
                        + (entry.getException() == null ? "" : " " + entry.getException()) + "\n");
                log.flush();
            } catch (IOException e) {
                // the log copy is a convenience; the node's own log still has the entry
            }
        }
    }

    private void accept() {
        while (!control.isClosed()) {
            try {
                Socket s = control.accept();
                Thread t = new Thread(() -> serve(s), "cluster-agent-command");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String reply;
                try {
                    reply = "OK " + execute(line.trim().split("\\s+"));
                } catch (Exception | LinkageError e) {
                    reply = "ERR " + e.toString().replace('\n', ' ');
                }
                out.println(reply);
            }
        } catch (IOException e) {
            // the test went away
        }
    }

    private String execute(String[] w) throws Exception {
        switch (w[0]) {
            case "PING":
                DWCPManager m = managers.getService();
                return m == null ? "no-manager" : m.nodeId();
            case "SEND": { // SEND <peer> <run> <count> <concurrency> <size> <timeoutMs>
                SendRun run = new SendRun(w[2], w[1], Integer.parseInt(w[3]), Integer.parseInt(w[5]),
                        Duration.ofMillis(Long.parseLong(w[6])), managers::getService, dir);
                if (runs.putIfAbsent(w[2], run) != null) {
                    throw new IllegalArgumentException("run " + w[2] + " exists");
                }
                run.start(Integer.parseInt(w[4]));
                return "started";
            }
            case "PROGRESS": { // PROGRESS <run>
                SendRun run = runs.get(w[1]);
                if (run == null) {
                    throw new IllegalArgumentException("no run " + w[1]);
                }
                return run.progress();
            }
            case "BENCH": // BENCH <raw|chain> <peer> <threads> <size> <millis>
                return ThroughputRun.measure(w[1], w[2], Integer.parseInt(w[3]), Integer.parseInt(w[4]),
                        Long.parseLong(w[5]), transports.getService(), managers.getService());
            case "DELIVERED":
                return deliveries.progress();
            case "PEERS":
                return require(managers.getService(), "DWCPManager").peers().stream()
                        .map(p -> p.nodeId() + ":" + p.state() + ":" + p.streamsUp())
                        .collect(Collectors.joining(","));
            case "METRICS":
                return String.valueOf(require(managers.getService(), "DWCPManager").metrics()).replace('\n', ' ');
            case "LEVELS": // the degradation level and each component's, with the reason (why a chain sheds)
                return levels(require(managers.getService(), "DWCPManager"));
            case "STOP": { // STOP <run>: interrupts its senders (a case that failed must not load the next one)
                SendRun run = runs.get(w[1]);
                if (run == null) {
                    throw new IllegalArgumentException("no run " + w[1]);
                }
                run.interrupt();
                return "stopped";
            }
            case "FIRSTS": { // FIRSTS <run>: the first failure of each kind, when, and the levels then
                SendRun run = runs.get(w[1]);
                if (run == null) {
                    throw new IllegalArgumentException("no run " + w[1]);
                }
                return run.firsts();
            }
            case "ARM": { // ARM <seconds> <probability> <operations> <peers> <injector:weight,...>
                ArmRequest request = ArmRequest.of(Duration.ofSeconds(Long.parseLong(w[1])))
                        .withProbability(Double.parseDouble(w[2]))
                        .withOperations(w[3].split(","))
                        .withPeers(w[4].split(","))
                        .withReason("cluster test");
                for (String injector : w[5].split(",")) {
                    String[] nameWeight = injector.split(":");
                    request = request.withInjector(nameWeight[0], Double.parseDouble(nameWeight[1]));
                }
                return String.valueOf(require(chaos.getService(), "ChaosControl").arm(request)).replace('\n', ' ');
            }
            case "DISARM":
                return String.valueOf(require(chaos.getService(), "ChaosControl").disarm("cluster test")).replace('\n', ' ');
            case "UPDATE": { // UPDATE <symbolic name> <jar path>
                Bundle bundle = bundle(w[1]);
                try (InputStream in = new FileInputStream(w[2])) {
                    bundle.update(in);
                }
                return bundle.getSymbolicName() + " " + bundle.getState();
            }
            case "STATE": // STATE <symbolic name>
                return Integer.toString(bundle(w[1]).getState());
            default:
                throw new IllegalArgumentException("unknown command " + w[0]);
        }
    }

    /** @return the overall degradation level, health, and every component not NORMAL with its reason */
    static String levels(DWCPManager m) {
        io.dwcp.resilience.api.transport.ResilienceMetrics r = m.resilienceMetrics();
        return r.degradationLevel() + " health=" + r.health() + " " + r.degradation().stream()
                .filter(c -> c.level() != io.dwcp.resilience.api.degradation.DegradationLevel.NORMAL
                        || c.computed() != io.dwcp.resilience.api.degradation.DegradationLevel.NORMAL)
                .map(c -> "[" + c.component() + " " + c.level() + ": " + c.reason() + "]")
                .collect(Collectors.joining(" ")).replace('\n', ' ');
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new IllegalArgumentException("no bundle " + symbolicName);
    }

    private static <T> T require(T service, String name) {
        if (service == null) {
            throw new IllegalStateException("no " + name + " service");
        }
        return service;
    }
}
