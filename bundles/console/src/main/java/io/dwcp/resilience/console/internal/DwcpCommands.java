package io.dwcp.resilience.console.internal;

import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.StageKind;
import io.dwcp.resilience.api.chaos.ArmRequest;
import io.dwcp.resilience.api.chaos.ChaosControl;
import io.dwcp.resilience.api.chaos.ChaosNotAllowedException;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import io.dwcp.resilience.api.degradation.ComponentLevel;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.degradation.DegradationManager;
import io.dwcp.resilience.api.health.HealthCheckReport;
import io.dwcp.resilience.api.health.HealthMonitor;
import io.dwcp.resilience.api.metrics.LatencySnapshot;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import io.dwcp.resilience.api.view.ConfigurationView;
import io.dwcp.resilience.api.view.OperationView;
import io.dwcp.resilience.api.view.ResilienceView;
import io.dwcp.resilience.api.view.StageView;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.transport.ConnectionState;
import io.dwcp.resilience.api.transport.ConsensusResult;
import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.InboundMessage;
import io.dwcp.resilience.api.transport.PeerStatus;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The {@code dwcp:*} console commands. Gogo (Felix) and the Karaf shell both find them by the
 * {@code osgi.command.*} service properties. Every command takes its arguments as strings and parses
 * them itself, so a wrong argument is answered with the usage and the reason, never a stack trace.
 * Output goes to {@code System.out}, which both shells redirect to the session.
 */
@Component(service = DwcpCommands.class, property = {
        "osgi.command.scope=dwcp",
        "osgi.command.function=status",
        "osgi.command.function=stages",
        "osgi.command.function=config",
        "osgi.command.function=metrics",
        "osgi.command.function=health",
        "osgi.command.function=budget",
        "osgi.command.function=swap",
        "osgi.command.function=degrade",
        "osgi.command.function=chaos",
        "osgi.command.function=peers",
        "osgi.command.function=send",
        "osgi.command.function=receive",
        "osgi.command.function=sync",
        "osgi.command.function=consensus",
        "osgi.command.function=load" })
public class DwcpCommands {

    static final String USAGE_STATUS = "dwcp:status";
    static final String USAGE_STAGES = "dwcp:stages [operation]";
    static final String USAGE_CONFIG = "dwcp:config [pid]          (no pid: list the DWCP configurations)";
    static final String USAGE_METRICS = "dwcp:metrics [operation]";
    static final String USAGE_HEALTH = "dwcp:health";
    static final String USAGE_BUDGET = "dwcp:budget [operation]";
    static final String USAGE_SWAP = "dwcp:swap <kind> [operation] <bundle-location> [--timeout 10s]\n"
            + "  kind: " + kinds();
    static final String USAGE_DEGRADE = "dwcp:degrade <level> [--for 15m] [--component *] [--reason text] | dwcp:degrade auto [--component *]\n"
            + "  level: NORMAL, DEGRADED, SEVERELY_DEGRADED, EMERGENCY";
    static final String USAGE_CHAOS = "dwcp:chaos status\n"
            + "  dwcp:chaos arm --for <duration> [--probability p] [--injectors a,b:2] [--operations x,y] [--peers p,q] [--reason text]\n"
            + "  dwcp:chaos disarm [--reason text]";

    static final String USAGE_PEERS = "dwcp:peers";
    static final String USAGE_SEND = "dwcp:send <peer> <text> [--timeout 10s]";
    static final String USAGE_RECEIVE = "dwcp:receive [--timeout 1s] | dwcp:receive --for <30s|5m|1h> [--every 1s]";
    /** The shortest --every: a progress line more often than this floods a terminal and says nothing more. */
    static final Duration MIN_REPORT_PERIOD = Duration.ofMillis(100);
    static final String USAGE_SYNC = "dwcp:sync <peer> [text] [--timeout 10s]";
    static final String USAGE_CONSENSUS = "dwcp:consensus <text> [--timeout 10s]";
    static final String USAGE_LOAD = "dwcp:load <peer> --rate <msg/s> --duration <30s|5m|1h> [--size <bytes>] [--timeout 10s] [--in-flight 256] [--every 1s]";
    static final String NO_TRANSPORT = "no transport installed (bundle io.dwcp.resilience.transport)";
    /** The largest payload dwcp:load builds: a generator, not a way to exhaust the heap. */
    static final int MAX_LOAD_SIZE = 16 * 1024 * 1024;

    /** How long a degradation override lasts when no --for is given. */
    static final Duration DEFAULT_OVERRIDE = Duration.ofMinutes(15);
    /** How long dwcp:swap waits for the manager to bind the new provider. */
    static final Duration DEFAULT_SWAP_TIMEOUT = Duration.ofSeconds(10);

    @Reference
    private ResilienceView view;

    @Reference
    private ResilienceManager manager;

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile DegradationManager degradation;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile HealthMonitor health;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ChaosControl chaos;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile DWCPManager transport;

    private BundleContext context;

    /** The clock dwcp:load paces by (a test sets a manual one). */
    private TimeSource clock = TimeSource.SYSTEM;

    /** For tests: the stream commands print to (the shell's System.out otherwise). */
    private PrintStream fixedOut;

    public DwcpCommands() {
    }

    DwcpCommands(ResilienceView view, ResilienceManager manager, DegradationManager degradation, HealthMonitor health,
            ChaosControl chaos, PrintStream out) {
        this.view = view;
        this.manager = manager;
        this.degradation = degradation;
        this.health = health;
        this.chaos = chaos;
        this.fixedOut = out;
    }

    /** For tests: the transport's manager, and the clock dwcp:load paces by. */
    void setTransport(DWCPManager manager, TimeSource time) {
        this.transport = manager;
        this.clock = time;
    }

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
    }

    private PrintStream out() {
        return fixedOut != null ? fixedOut : System.out;
    }

    /** Runs a command body, answering a usage error with usage and reason, any other failure with its message. */
    private void run(String name, String usage, Consumer<PrintStream> body) {
        PrintStream out = out();
        try {
            body.accept(out);
        } catch (UsageException e) {
            out.println("dwcp:" + name + ": " + e.getMessage());
            out.println("usage: " + usage);
        } catch (NotInstalledException e) {
            out.println("dwcp:" + name + ": " + e.getMessage());
        } catch (RuntimeException e) {
            out.println("dwcp:" + name + " failed: " + e);
            if (logger != null) {
                logger.warn("dwcp:{} failed", name, e);
            }
        }
    }

    private static Args noHelp(Object[] args, Set<String> options) {
        for (Object a : args == null ? new Object[0] : args) {
            if ("--help".equals(a) || "-h".equals(a)) {
                throw new UsageException("help");
            }
        }
        return Args.parse(args, options);
    }

    // ------------------------------------------------------------------ status

    public void status(Object... args) {
        run("status", USAGE_STATUS, out -> {
            noHelp(args, Set.of()).expect(0, 0);
            DWCPManager tm = transport;
            out.println("node     " + (tm == null ? nodeName() : tm.nodeId()));
            List<PeerStatus> peers = tm == null ? List.of() : tm.peers();
            out.println("peers    " + (tm == null ? NO_TRANSPORT : describePeers(tm, peers)));
            if (tm != null) {
                out.println("refused  " + describeRefusals(tm.metrics().transport().framesRefused()));
            }
            HealthMonitor h = health;
            out.println("health   " + (h == null ? "no health monitor" : h.status()));
            DegradationManager d = degradation;
            out.println("level    " + (d == null ? "no degradation manager" : describeLevel(d)));
            out.println("chaos    " + describeChaos());
            out.println();
            Table t = new Table("operation", ">calls", ">errors %", ">p50 ms", ">p95 ms", ">p99 ms", "breaker", ">budget left %", "accepting");
            for (OperationView op : view.operations()) {
                OperationMetrics m = op.metrics();
                LatencySnapshot l = m.latency();
                Optional<MetricsSnapshot> breaker = op.figures(StageKind.CIRCUIT_BREAKER.id());
                Optional<MetricsSnapshot> slo = op.figures("slo");
                t.row(op.operation(), m.calls(), m.calls() == 0 ? null : Units.percent(1 - m.successRate()),
                        Units.latency(l, l.p50Nanos()), Units.latency(l, l.p95Nanos()), Units.latency(l, l.p99Nanos()),
                        breaker.map(StageSummary::breakerState).orElse("none"),
                        slo.map(s -> Units.percent(s.value("remainingBudget"))).orElse("none"),
                        op.chain().accepting() ? "yes" : "NO: missing " + op.chain().rejected());
            }
            t.print(out);
            if (!peers.isEmpty()) {
                out.println();
                peerTable(peers).print(out);
            }
        });
    }

    private static String describePeers(DWCPManager tm, List<PeerStatus> peers) {
        long connected = peers.stream().filter(p -> p.state() == ConnectionState.CONNECTED).count();
        return (peers.isEmpty() ? "none configured (dwcp.transport peers)"
                : peers.size() + " configured, " + connected + " connected") + "; mode " + tm.metrics().mode();
    }

    private static Table peerTable(List<PeerStatus> peers) {
        Table t = new Table("peer", "address", "state", ">streams", ">rtt ms", "tier", ">out KiB/s", ">link Mbit/s", ">unacked",
                ">reconnects", "last error");
        for (PeerStatus p : peers) {
            t.row(p.nodeId(), p.address(), p.state(), p.streamsUp() + "/" + p.streamsConfigured(),
                    p.rttNanos() < 0 ? null : Units.millis(p.rttNanos()), p.tier(), Units.kibPerSecond(p.sendBytesPerSecond()),
                    Units.mbps(p.linkMbps()), p.unacknowledged(), p.reconnects(),
                    p.lastError() == null || p.lastError().isEmpty() ? "" : p.lastError());
        }
        return t;
    }

    /** @return the frames and connections this node refused, by reason, e.g. {@code bad-crc 2, idle 1}; {@code none} */
    static String describeRefusals(Map<String, Long> refused) {
        StringBuilder b = new StringBuilder();
        refused.forEach((reason, n) -> {
            if (n > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(reason).append(' ').append(n);
            }
        });
        return b.length() == 0 ? "none" : b.toString();
    }

    private String nodeName() {
        String node = context == null ? null : context.getProperty("dwcp.node");
        if (node != null) {
            return node;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName() + " (set dwcp.node to name it)";
        } catch (java.io.IOException e) {
            return "unnamed (set dwcp.node to name it)";
        }
    }

    private static String describeLevel(DegradationManager d) {
        ComponentLevel overall = null;
        for (ComponentLevel c : d.components()) {
            if (DegradationManager.OVERALL.equals(c.component())) {
                overall = c;
            }
        }
        if (overall == null) {
            return d.level().toString();
        }
        return overall.level() + (overall.overridden() ? " (override until " + Units.time(overall.overrideExpiresMillis()) + ")" : "")
                + (overall.reason().isEmpty() ? "" : ": " + overall.reason());
    }

    private String describeChaos() {
        ChaosControl c = chaos;
        if (c == null) {
            return "not installed";
        }
        ChaosStatus s = c.status();
        if (s.armed()) {
            return "ARMED until " + Units.time(s.expiresAtMillis()) + ", probability " + s.probability()
                    + ", " + s.totalInjections() + " faults injected"
                    + (s.idle() ? "; IDLE: none of its injectors is registered, it injects nothing" : "");
        }
        return (s.allowed() ? "allowed" : "not allowed (dwcp.chaos allowed=false)") + ", disarmed";
    }

    // ------------------------------------------------------------------ stages

    public void stages(Object... args) {
        run("stages", USAGE_STAGES, out -> {
            Args a = noHelp(args, Set.of()).expect(0, 1);
            List<OperationView> ops = selected(a.positional(0, null));
            boolean first = true;
            for (OperationView op : ops) {
                if (!first) {
                    out.println();
                }
                first = false;
                out.println(op.operation() + (op.chain().accepting() ? "" : "   (REJECTING calls: no provider of " + op.chain().rejected() + ")"));
                Table t = new Table("#", "kind", ">bundle", "provider", "version", ">ranking", "scope", "state");
                int i = 1;
                for (StageView s : op.allStages()) {
                    StageDescriptor d = s.descriptor();
                    t.row(i++, d.builtIn() ? d.kindId() : d.kindId() + " (" + d.position() + ")", s.bundleId(), s.descriptor().bundleSymbolicName(), s.descriptor().bundleVersion(),
                            s.descriptor().ranking(), s.descriptor().scope(), StageSummary.of(s));
                }
                t.print(out);
                for (StageView s : op.allStages()) {
                    // scope = peer: a line per peer under the stage's own
                    for (MetricsSnapshot m : op.figures()) {
                        if (m.hasPeer() && StageView.sourceMatches(m.source(), s.descriptor().kindId())) {
                            out.println("  " + s.descriptor().kindId() + " peer " + m.peer() + ": "
                                    + StageSummary.of(s.descriptor().kind(), m));
                        }
                    }
                }
                if (!op.chain().missing().isEmpty()) {
                    StringBuilder b = new StringBuilder("missing: ");
                    for (StageKind k : op.chain().missing()) {
                        b.append(k).append(op.chain().rejected().contains(k) ? " (reject) " : " (bypass) ");
                    }
                    out.println(b.toString().trim());
                }
            }
        });
    }

    private List<OperationView> selected(String operation) {
        if (operation == null) {
            return view.operations();
        }
        try {
            Operations.validate(operation);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return List.of(view.operation(operation).orElseThrow(() -> new UsageException(
                "unknown operation '" + operation + "': known are " + String.join(", ", manager.operations()))));
    }

    // ------------------------------------------------------------------ config

    public void config(Object... args) {
        run("config", USAGE_CONFIG, out -> {
            Args a = noHelp(args, Set.of()).expect(0, 1);
            String pid = a.positional(0, null);
            if (pid == null) {
                Table t = new Table("pid", "in force", "last refusal");
                for (ConfigurationView c : view.configurations()) {
                    t.row(c.pid(), c.refusedChangePending() ? (c.inForceKnown() ? "previous values (a change was refused)" : "defaults (refused)") : "as configured",
                            c.refusal().map(r -> Units.time(r.timestampMillis()) + " " + r.key()).orElse(""));
                }
                t.print(out);
                return;
            }
            ConfigurationView c = view.configuration(pid).orElseThrow(() -> new UsageException(
                    "no DWCP configuration with PID '" + pid + "' (dwcp:config lists them)"));
            out.println("pid      " + c.pid() + (c.factoryPid() == null ? "" : "   (factory " + c.factoryPid() + ")"));
            if (!c.inForceKnown()) {
                out.println("in force the component's defaults: it refused this configuration (see the refusal)");
            } else if (c.refusedChangePending()) {
                out.println("in force the previous values: the configured change was refused");
            }
            Table t = new Table("key", "in force", "configured");
            java.util.TreeSet<String> keys = new java.util.TreeSet<>(c.configured().keySet());
            keys.addAll(c.inForce().keySet());
            for (String k : keys) {
                Object f = c.inForce().get(k);
                Object conf = c.configured().get(k);
                t.row(k, c.inForceKnown() ? (f == null ? "(default)" : f) : "(default)",
                        java.util.Objects.equals(f, conf) && c.inForceKnown() ? "" : conf == null ? "(unset)" : conf);
            }
            t.print(out);
            out.println("last refusal: " + c.refusal().map(r -> Units.time(r.timestampMillis()) + " key " + r.key() + ": " + r.reason())
                    .orElse("none since the console started"));
        });
    }

    // ------------------------------------------------------------------ metrics

    public void metrics(Object... args) {
        run("metrics", USAGE_METRICS, out -> {
            Args a = noHelp(args, Set.of()).expect(0, 1);
            List<OperationView> ops = selected(a.positional(0, null));
            Table t = new Table("operation", ">calls", ">ok", ">failed", ">rejected", ">timed out", ">p50 ms", ">p90 ms", ">p99 ms", ">p99.9 ms", ">max ms");
            for (OperationView op : ops) {
                OperationMetrics m = op.metrics();
                LatencySnapshot l = m.latency();
                t.row(op.operation(), m.calls(), m.successes(), m.failures(), m.rejections(), m.timeouts(), Units.latency(l, l.p50Nanos()),
                        Units.latency(l, l.p90Nanos()), Units.latency(l, l.p99Nanos()), Units.latency(l, l.p999Nanos()),
                        Units.latency(l, l.maxNanos()));
            }
            t.print(out);
            if (a.positional(0, null) != null) {
                OperationView op = ops.get(0);
                out.println();
                Table f = new Table("source", "figure", ">value");
                for (MetricsSnapshot s : op.figures()) {
                    for (Map.Entry<String, Number> e : s.values().entrySet()) {
                        f.row(s.source(), e.getKey(), Units.number(e.getValue()));
                    }
                }
                f.print(out);
            }
        });
    }

    // ------------------------------------------------------------------ health

    public void health(Object... args) {
        run("health", USAGE_HEALTH, out -> {
            noHelp(args, Set.of()).expect(0, 0);
            HealthMonitor h = health;
            if (h == null) {
                out.println("no health monitor installed (bundle io.dwcp.resilience.health)");
                return;
            }
            out.println("overall  " + h.status());
            Table t = new Table("check", "status", ">runs", ">success %", ">timeouts", ">last ms", ">every s", "message");
            for (HealthCheckReport r : h.reports()) {
                t.row(r.name(), r.status(), r.runs(), Units.percent(r.successRate()), r.timeouts(), Units.millis(r.lastDurationNanos()),
                        Units.number(r.intervalMillis() / 1000.0), r.lastResult().message());
            }
            t.print(out);
            DegradationManager d = degradation;
            if (d != null) {
                out.println();
                Table l = new Table("component", "level", "computed", "since", "override until", "reason");
                for (ComponentLevel c : d.components()) {
                    l.row(c.component(), c.level(), c.computed(), Units.time(c.sinceMillis()),
                            c.overridden() ? Units.time(c.overrideExpiresMillis()) : "", c.reason());
                }
                l.print(out);
            }
        });
    }

    // ------------------------------------------------------------------ budget

    public void budget(Object... args) {
        run("budget", USAGE_BUDGET, out -> {
            Args a = noHelp(args, Set.of()).expect(0, 1);
            String only = a.positional(0, null);
            if (only != null && !"*".equals(only)) {
                selected(only);
            }
            Table t = new Table("operation", ">objective %", ">window", ">calls", ">failed", ">allowed", ">error budget left %",
                    ">slow", ">latency budget left %", "exhausted");
            for (MetricsSnapshot s : view.figures()) {
                if (!"slo".equals(s.source()) || only != null && !only.equals(s.operation())) {
                    continue;
                }
                boolean latency = s.values().containsKey("latencyRemainingBudget");
                boolean exhausted = s.value("exhausted") > 0 || latency && s.value("latencyExhausted") > 0;
                t.row(s.operation(), Units.percent(s.value("objective")), Durations.format(Duration.ofSeconds((long) s.value("windowSeconds"))),
                        Units.number(s.values().get("total")), Units.number(s.values().get("failed")),
                        Units.number(s.values().get("allowedFailures")), Units.percent(s.value("remainingBudget")),
                        latency ? Units.number(s.values().get("latencySlow")) : null,
                        latency ? Units.percent(s.value("latencyRemainingBudget")) : null, exhausted ? "YES" : "no");
            }
            if (t.isEmpty()) {
                out.println(only == null ? "no budgets configured (dwcp.slo-<operation>.cfg)" : "no budget configured for " + only);
                return;
            }
            t.print(out);
        });
    }

    // ------------------------------------------------------------------ swap

    public void swap(Object... args) {
        run("swap", USAGE_SWAP, out -> {
            Args a = noHelp(args, Set.of("timeout")).expect(2, 3);
            String kindId = a.positional(0, null);
            StageKind kind = StageKind.fromId(kindId).orElseThrow(() -> new UsageException("unknown stage kind '" + kindId + "'"));
            String operation = a.positionals().size() == 3 ? a.positional(1, null) : null;
            if (operation != null) {
                selected(operation);
            }
            String location = a.positional(a.positionals().size() - 1, null);
            if (!location.contains(":")) {
                throw new UsageException("'" + location + "' is not a bundle location: give a URL such as file:/path/bundle.jar or mvn:group/artifact/version");
            }
            Duration timeout = a.duration("timeout", DEFAULT_SWAP_TIMEOUT);
            StageSwapper.Result r = new StageSwapper(context, manager, view).swap(kind, operation, location, timeout, out);
            out.println(r.message());
        });
    }

    // ------------------------------------------------------------------ degrade

    public void degrade(Object... args) {
        run("degrade", USAGE_DEGRADE, out -> {
            Args a = noHelp(args, Set.of("for", "component", "reason")).expect(1, 1);
            DegradationManager d = degradation;
            if (d == null) {
                out.println("no degradation manager installed (bundle io.dwcp.resilience.degradation)");
                return;
            }
            String component = a.has("component") ? a.option("component") : DegradationManager.OVERALL;
            String what = a.positional(0, null);
            if ("auto".equalsIgnoreCase(what)) {
                if (a.has("for") || a.has("reason")) {
                    throw new UsageException("'auto' takes no --for or --reason");
                }
                boolean cleared = d.clearOverride(component);
                out.println(cleared ? "override of " + component + " removed: the level follows the signals again"
                        : "no override of " + component + " was in force");
                out.println("level of " + component + " now " + d.level(component));
                return;
            }
            DegradationLevel level;
            try {
                level = DegradationLevel.parse(what);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            Duration duration = a.duration("for", DEFAULT_OVERRIDE);
            String reason = a.has("reason") ? a.option("reason") : "operator (dwcp:degrade)";
            d.override(component, level, duration, reason);
            out.println("level of " + component + " forced to " + level + " for " + Durations.format(duration) + " (until "
                    + Units.time(System.currentTimeMillis() + duration.toMillis()) + "); dwcp:degrade auto ends it sooner");
        });
    }

    // ------------------------------------------------------------------ chaos

    public void chaos(Object... args) {
        run("chaos", USAGE_CHAOS, out -> {
            Args a = noHelp(args, Set.of("for", "probability", "injectors", "operations", "peers", "reason"));
            a.expect(1, 1);
            ChaosControl c = chaos;
            String verb = a.positional(0, null);
            if (!List.of("status", "arm", "disarm").contains(verb)) {
                throw new UsageException("unknown sub-command '" + verb + "': expected status, arm or disarm");
            }
            if (c == null) {
                out.println("the chaos engine is not installed (Karaf: feature:install dwcp-chaos)");
                return;
            }
            switch (verb) {
                case "status" -> {
                    onlyOptions(a, verb);
                    printChaos(c.status(), out);
                }
                case "disarm" -> {
                    for (String o : List.of("for", "probability", "injectors", "operations", "peers")) {
                        if (a.has(o)) {
                            throw new UsageException("disarm takes only --reason");
                        }
                    }
                    printChaos(c.disarm(a.has("reason") ? a.option("reason") : "operator (dwcp:chaos disarm)"), out);
                }
                default -> {
                    if (!a.has("for")) {
                        throw new UsageException("arm needs --for <duration>: chaos always ends by itself");
                    }
                    Duration duration = a.duration("for", null);
                    Double probability = a.number("probability", 0, 1);
                    Map<String, Double> injectors = new LinkedHashMap<>();
                    for (String item : a.list("injectors")) {
                        int colon = item.indexOf(':');
                        String name = colon < 0 ? item : item.substring(0, colon);
                        double weight = 1.0;
                        if (colon >= 0) {
                            try {
                                weight = Double.parseDouble(item.substring(colon + 1));
                            } catch (NumberFormatException e) {
                                throw new UsageException("--injectors: weight of '" + name + "' is not a number");
                            }
                        }
                        injectors.put(name, weight);
                    }
                    ArmRequest request = new ArmRequest(duration, probability, a.list("operations"), a.list("peers"), injectors,
                            a.has("reason") ? a.option("reason") : "operator (dwcp:chaos arm)");
                    try {
                        printChaos(c.arm(request), out);
                    } catch (ChaosNotAllowedException e) {
                        out.println("refused: " + e.getMessage());
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                }
            }
        });
    }

    private static void onlyOptions(Args a, String verb) {
        for (String o : List.of("for", "probability", "injectors", "operations", "peers", "reason")) {
            if (a.has(o)) {
                throw new UsageException(verb + " takes no options");
            }
        }
    }

    private static void printChaos(ChaosStatus s, PrintStream out) {
        out.println("allowed      " + (s.allowed() ? "yes" : "no (set allowed=true in dwcp.chaos to allow it)"));
        out.println("armed        " + (s.armed() ? "yes, since " + Units.time(s.armedAtMillis()) + ", until " + Units.time(s.expiresAtMillis()) : "no"));
        if (s.idle()) {
            // armed, but every injector it selected was uninstalled or stopped: say so, not just "armed"
            out.println("IDLE         injects nothing: none of its injectors "
                    + (s.weights().isEmpty() ? "" : String.join(",", s.weights().keySet()) + " ")
                    + "is registered; it resumes when one comes back (or dwcp:chaos disarm)");
        }
        out.println("reason       " + (s.reason() == null || s.reason().isEmpty() ? "-" : s.reason()));
        out.println("probability  " + s.probability());
        out.println("operations   " + String.join(",", s.operations()));
        out.println("peers        " + String.join(",", s.peers()));
        out.println("counts       " + s.arms() + " arms, " + s.disarms() + " disarms, " + s.refusals() + " refusals");
        Table t = new Table("injector", "selected", ">weight", ">injected");
        for (String name : s.availableInjectors()) {
            Double w = s.weights().isEmpty() ? Double.valueOf(1.0) : s.weights().get(name);
            t.row(name, w == null ? "no" : "yes", w == null ? "" : Units.number(w), s.injections(name));
        }
        for (Map.Entry<String, Double> selected : s.weights().entrySet()) {
            if (!s.availableInjectors().contains(selected.getKey())) {
                t.row(selected.getKey(), "yes, NOT REGISTERED", Units.number(selected.getValue()),
                        s.injections(selected.getKey()));
            }
        }
        t.print(out);
    }

    private static String kinds() {
        StringBuilder b = new StringBuilder();
        for (StageKind k : StageKind.values()) {
            b.append(b.length() == 0 ? "" : ", ").append(k.id());
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ transport: peers, send, receive, sync, consensus, load

    private DWCPManager transport() {
        DWCPManager tm = transport;
        if (tm == null) {
            throw new NotInstalledException(NO_TRANSPORT);
        }
        return tm;
    }

    /** @throws UsageException naming the configured peers when {@code peer} is not one of them */
    private static void knownPeer(DWCPManager tm, String peer) {
        List<String> ids = tm.peers().stream().map(PeerStatus::nodeId).toList();
        if (!ids.contains(peer)) {
            throw new UsageException("unknown peer '" + peer + "': " + (ids.isEmpty()
                    ? "no peer is configured (dwcp.transport peers)" : "the configured peers are " + String.join(", ", ids)));
        }
    }

    /** @return the first argument, a configured peer (else a usage error naming the configured ones) */
    private static String peer(DWCPManager tm, Args a) {
        String peer = a.positional(0, null);
        knownPeer(tm, peer);
        return peer;
    }

    /** @return the words after the peer, as typed (Gogo splits unquoted words), in UTF-8 */
    private static byte[] textAfterPeer(Args a) {
        return String.join(" ", a.positionals().subList(1, a.positionals().size())).getBytes(StandardCharsets.UTF_8);
    }

    public void peers(Object... args) {
        run("peers", USAGE_PEERS, out -> {
            noHelp(args, Set.of()).expect(0, 0);
            DWCPManager tm = transport();
            List<PeerStatus> peers = tm.peers();
            out.println("node " + tm.nodeId() + ": " + describePeers(tm, peers));
            out.println("refused  " + describeRefusals(tm.metrics().transport().framesRefused()));
            if (!peers.isEmpty()) {
                out.println();
                peerTable(peers).print(out);
            }
        });
    }

    public void send(Object... args) {
        run("send", USAGE_SEND, out -> {
            Args a = noHelp(args, Set.of("timeout")).expect(2, Integer.MAX_VALUE);
            DWCPManager tm = transport();
            String peer = peer(tm, a);
            Duration timeout = a.duration("timeout", Duration.ofSeconds(10));
            long t0 = clock.nanoTime();
            try {
                long id = tm.send(peer, textAfterPeer(a), timeout);
                out.println("sent to " + peer + " as message " + id + ", acknowledged in " + Units.millis(clock.nanoTime() - t0) + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.println("interrupted before " + peer + " acknowledged");
            } catch (Exception e) {
                out.println("not acknowledged by " + peer + " (" + LoadRun.reason(e) + "): " + e.getMessage());
                if (timedOut(e)) {
                    // Seen by a user: the peer printed the message although the send had failed. A send is
                    // acknowledged only once the peer's application has taken it, and the send chain's
                    // adaptive timeout, learnt from earlier fast sends, can end the wait long before --timeout.
                    out.println("  it may still be delivered: it stays queued at " + peer + " until an application there receives it"
                            + " (a send is acknowledged only then); this send gave up after " + Units.millis(clock.nanoTime() - t0)
                            + " ms of its " + Durations.format(timeout) + (clock.nanoTime() - t0 < timeout.toNanos()
                                    ? ", at the send chain's timeout (adaptive: it follows the latency of earlier sends)" : ""));
                }
            }
        });
    }

    /** @return whether a send failed for want of an acknowledgement in time (the message may have arrived) */
    private static boolean timedOut(Exception e) {
        return e instanceof io.dwcp.resilience.api.DeadlineExceededException
                || e instanceof io.dwcp.resilience.api.transport.TransportException t
                        && t.kind() == io.dwcp.resilience.api.transport.TransportException.Kind.TIMEOUT;
    }

    public void receive(Object... args) {
        run("receive", USAGE_RECEIVE, out -> {
            Args a = noHelp(args, Set.of("timeout", "for", "every")).expect(0, 0);
            DWCPManager tm = transport();
            if (a.has("for")) {
                if (a.has("timeout")) {
                    throw new UsageException("--for receives until it ends: it takes no --timeout");
                }
                drain(tm, a.duration("for", null), a.duration("every", Duration.ofSeconds(1), MIN_REPORT_PERIOD), out);
                return;
            }
            if (a.has("every")) {
                throw new UsageException("--every goes with --for");
            }
            Duration timeout = a.duration("timeout", Duration.ofSeconds(1));
            try {
                Optional<InboundMessage> m = tm.receive(timeout);
                if (m.isEmpty()) {
                    out.println("nothing received within " + Durations.format(timeout));
                    return;
                }
                InboundMessage x = m.get();
                out.println("from " + x.sender() + ", message " + x.messageId() + ", " + x.payload().length + " bytes: "
                        + new String(x.payload(), StandardCharsets.UTF_8));
                out.flush();
                // printed: the console is done with it, so its sender's send returns now, not at the next receive
                try {
                    tm.acknowledge(x);
                } catch (RuntimeException e) {
                    out.println("printed but NOT acknowledged (its sender will see a failure): " + e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.println("interrupted");
            } catch (Exception e) {
                out.println("receive failed (" + LoadRun.reason(e) + "): " + e.getMessage());
            }
        });
    }

    /**
     * {@code dwcp:receive --for}: takes and acknowledges every message for a while, as an application
     * would, so that a peer's {@code dwcp:load} (or a cluster) sees its sends acknowledged; prints
     * counts, not payloads. Without it a node whose application takes nothing acknowledges nothing:
     * an acknowledgement means the application is done with the message (docs/transport.md).
     */
    private void drain(DWCPManager tm, Duration duration, Duration every, PrintStream out) {
        out.println("receiving for " + Durations.format(duration) + ", acknowledging each message (Ctrl-C stops early)");
        long start = clock.nanoTime();
        long end = start + duration.toNanos();
        long nextReport = start + every.toNanos();
        long received = 0;
        long bytes = 0;
        long notAcknowledged = 0;
        Map<String, Long> bySender = new TreeMap<>();
        try {
            for (long now = start; now < end; now = clock.nanoTime()) {
                Optional<InboundMessage> m = tm.receive(Duration.ofNanos(Math.max(1, Math.min(end, nextReport) - now)));
                if (m.isPresent()) {
                    InboundMessage x = m.get();
                    received++;
                    bytes += x.payload().length;
                    bySender.merge(x.sender(), 1L, Long::sum);
                    try {
                        tm.acknowledge(x);
                    } catch (RuntimeException e) {
                        notAcknowledged++; // its sender sees the failure; counted here, said once below
                    }
                }
                if (clock.nanoTime() >= nextReport) {
                    out.printf(Locale.ROOT, "%6s  received %8d  %10.1f KiB%n", Durations.format(Duration.ofNanos(nextReport - start)),
                            received, bytes / 1024.0);
                    nextReport += every.toNanos();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("interrupted");
        } catch (Exception e) {
            out.println("receive failed (" + LoadRun.reason(e) + "): " + e.getMessage());
        }
        StringBuilder senders = new StringBuilder();
        bySender.forEach((sender, n) -> senders.append(senders.length() == 0 ? "" : ", ").append(sender).append(' ').append(n));
        out.println("received " + received + " message" + (received == 1 ? "" : "s") + ", " + bytes + " bytes"
                + (received == 0 ? "" : " (" + senders + ")") + (notAcknowledged == 0 ? ""
                : "; " + notAcknowledged + " NOT acknowledged (their senders see a failure)"));
    }

    /**
     * {@code dwcp:sync}: a request through the {@code sync} chain, answered by the peer's best
     * {@code SyncHandler} (the transport's built-in one answers with that node's state summary).
     */
    public void sync(Object... args) {
        run("sync", USAGE_SYNC, out -> {
            // the request is for the handler; the built-in one answers whatever it is, so it may be empty
            Args a = noHelp(args, Set.of("timeout")).expect(1, Integer.MAX_VALUE);
            DWCPManager tm = transport();
            String peer = peer(tm, a);
            Duration timeout = a.duration("timeout", Duration.ofSeconds(10));
            long t0 = clock.nanoTime();
            try {
                byte[] answer = tm.sync(peer, textAfterPeer(a), timeout);
                out.println(peer + " answered in " + Units.millis(clock.nanoTime() - t0) + " ms, " + answer.length + " bytes: "
                        + new String(answer, StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.println("interrupted before " + peer + " answered");
            } catch (Exception e) {
                out.println("no answer from " + peer + " (" + LoadRun.reason(e) + "): " + e.getMessage());
            }
        });
    }

    public void consensus(Object... args) {
        run("consensus", USAGE_CONSENSUS, out -> {
            Args a = noHelp(args, Set.of("timeout")).expect(1, Integer.MAX_VALUE);
            DWCPManager tm = transport();
            String text = String.join(" ", a.positionals());
            Duration timeout = a.duration("timeout", Duration.ofSeconds(10));
            try {
                ConsensusResult r = tm.consensus(text.getBytes(StandardCharsets.UTF_8), timeout);
                out.println("message " + r.messageId() + ": " + r.votes() + " of " + r.clusterSize() + " votes (quorum " + r.quorum()
                        + (r.reached() ? ", reached" : ", NOT reached") + ")");
                Table t = new Table("peer", "vote");
                r.acknowledged().forEach(p -> t.row(p, "acknowledged"));
                r.failed().forEach((p, why) -> t.row(p, "failed: " + why));
                if (!t.isEmpty()) {
                    t.print(out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.println("interrupted before a quorum answered");
            } catch (Exception e) {
                out.println("consensus failed (" + LoadRun.reason(e) + "): " + e.getMessage());
            }
        });
    }

    public void load(Object... args) {
        run("load", USAGE_LOAD, out -> {
            Args a = noHelp(args, Set.of("rate", "duration", "size", "timeout", "in-flight", "every")).expect(1, 1);
            if (!a.has("rate") || !a.has("duration")) {
                throw new UsageException("--rate and --duration are required");
            }
            double rate = a.number("rate", 0.001, 1_000_000);
            Duration duration = a.duration("duration", null);
            int size = a.has("size") ? a.number("size", 0, MAX_LOAD_SIZE).intValue() : 256;
            int inFlight = a.has("in-flight") ? a.number("in-flight", 1, 10_000).intValue() : 256;
            Duration timeout = a.duration("timeout", Duration.ofSeconds(10));
            Duration every = a.duration("every", Duration.ofSeconds(1), MIN_REPORT_PERIOD);
            DWCPManager tm = transport();
            String peer = peer(tm, a);
            LoadRun.Settings settings = new LoadRun.Settings(peer, rate, duration, size, inFlight, every);
            ExecutorService workers = Executors.newFixedThreadPool(Math.min(inFlight, 64), r -> {
                Thread t = new Thread(r, "dwcp-load-" + peer);
                t.setDaemon(true);
                return t;
            });
            try {
                LoadRun.Summary summary = new LoadRun(settings, payload -> tm.send(peer, payload, timeout), clock, workers, out).run();
                LoadRun.print(summary, settings, out);
                if (summary.interrupted()) {
                    Thread.currentThread().interrupt();
                }
            } finally {
                workers.shutdownNow();
            }
        });
    }
}
