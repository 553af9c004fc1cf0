package io.dwcp.resilience.view.internal;

import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.StageDescriptor;
import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import io.dwcp.resilience.api.view.ConfigurationView;
import io.dwcp.resilience.api.view.OperationView;
import io.dwcp.resilience.api.view.ResilienceView;
import io.dwcp.resilience.api.view.StageView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Builds the operators' picture from the live services: the manager's chains and counters, every
 * {@link MetricsSource}, and ConfigurationAdmin plus the components' refusals for the
 * configurations.
 */
@Component(service = { ResilienceView.class, ConfigurationListener.class, EventHandler.class },
        property = EventConstants.EVENT_TOPIC + "=" + ResilienceEvents.CONFIGURATION_REFUSED)
public class ResilienceViewComponent implements ResilienceView, ConfigurationListener, EventHandler {

    /** Prefix of every DWCP configuration PID. */
    static final String DWCP_PID_PREFIX = "dwcp.";

    @Reference
    private ResilienceManager manager;

    @Reference
    private ConfigurationAdmin configAdmin;

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    private final List<MetricsSource> sources = new CopyOnWriteArrayList<>();

    private final ConfigurationLedger ledger = new ConfigurationLedger();

    private BundleContext context;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(MetricsSource source) {
        sources.add(source);
    }

    void removeSource(MetricsSource source) {
        sources.remove(source);
    }

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
        for (Configuration c : dwcpConfigurations(null)) {
            ledger.seed(c.getPid(), properties(c));
        }
    }

    // ---------------------------------------------------------------- operations

    @Override
    public List<OperationView> operations() {
        List<MetricsSnapshot> all = figures();
        List<OperationView> views = new ArrayList<>();
        for (String op : sortedOperations(manager.operations())) {
            views.add(view(op, all));
        }
        return views;
    }

    @Override
    public Optional<OperationView> operation(String operation) {
        if (operation == null || !manager.operations().contains(operation)) {
            return Optional.empty();
        }
        return Optional.of(view(operation, figures()));
    }

    /** A failing source is skipped and logged. */
    @Override
    public List<MetricsSnapshot> figures() {
        List<MetricsSnapshot> all = new ArrayList<>();
        for (MetricsSource s : sources) {
            try {
                all.addAll(s.metrics());
            } catch (RuntimeException e) {
                logger.warn("metrics source {} failed; its figures are left out: {}", s.getClass().getName(), e.toString());
            }
        }
        return all;
    }

    private OperationView view(String op, List<MetricsSnapshot> all) {
        ChainView chain = manager.chain(op);
        List<MetricsSnapshot> mine = new ArrayList<>();
        for (MetricsSnapshot s : all) {
            if (s.operation().equals(op)) {
                mine.add(s);
            }
        }
        // Figures about the whole operation first, those of single peers (scope = peer) after them:
        // a stage's own line and OperationView.figures(source) show the operation's.
        mine.sort(Comparator.comparing(MetricsSnapshot::hasPeer));
        List<StageView> every = new ArrayList<>(chain.allStages().size());
        List<StageView> builtIn = new ArrayList<>(chain.stages().size());
        for (StageDescriptor d : chain.allStages()) {
            MetricsSnapshot figures = null;
            for (MetricsSnapshot s : mine) {
                if (StageView.sourceMatches(s.source(), d.kindId())) {
                    figures = s;
                    break;
                }
            }
            StageView stage = new StageView(d, bundleOf(d.serviceId()), figures);
            every.add(stage);
            if (d.builtIn()) {
                builtIn.add(stage);
            }
        }
        return new OperationView(op, chain, builtIn, manager.metrics(op), mine, every);
    }

    private long bundleOf(long serviceId) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(" + Constants.SERVICE_ID + "=" + serviceId + ")");
            if (refs != null && refs.length > 0 && refs[0].getBundle() != null) {
                return refs[0].getBundle().getBundleId();
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return -1;
    }

    /** DWCP's four operations first, in their documented order, then the others by name. */
    static List<String> sortedOperations(Iterable<String> operations) {
        List<String> sorted = new ArrayList<>();
        operations.forEach(sorted::add);
        sorted.sort(Comparator.comparingInt((String op) -> {
            int i = Operations.DWCP.indexOf(op);
            return i < 0 ? Integer.MAX_VALUE : i;
        }).thenComparing(Comparator.naturalOrder()));
        return sorted;
    }

    // ---------------------------------------------------------------- configurations

    @Override
    public List<ConfigurationView> configurations() {
        List<ConfigurationView> views = new ArrayList<>();
        for (Configuration c : dwcpConfigurations(null)) {
            views.add(ledger.view(c.getPid(), c.getFactoryPid(), properties(c)));
        }
        views.sort(Comparator.comparing(ConfigurationView::pid));
        return views;
    }

    @Override
    public Optional<ConfigurationView> configuration(String pid) {
        if (pid == null || pid.isBlank()) {
            return Optional.empty();
        }
        for (String candidate : List.of(pid, fileNameToPid(pid))) {
            List<Configuration> found = dwcpConfigurations(candidate);
            if (!found.isEmpty()) {
                Configuration c = found.get(0);
                return Optional.of(ledger.view(c.getPid(), c.getFactoryPid(), properties(c)));
            }
        }
        return Optional.empty();
    }

    /** {@code dwcp.circuitbreaker-send} (FileInstall's file name) to {@code dwcp.circuitbreaker~send}. */
    static String fileNameToPid(String name) {
        String n = name.endsWith(".cfg") ? name.substring(0, name.length() - 4) : name;
        int dash = n.indexOf('-');
        return dash < 0 || n.contains("~") ? n : n.substring(0, dash) + "~" + n.substring(dash + 1);
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String pid = event.getPid();
        if (!pid.startsWith(DWCP_PID_PREFIX)) {
            return;
        }
        if (event.getType() == ConfigurationEvent.CM_DELETED) {
            ledger.deleted(pid);
            return;
        }
        if (event.getType() == ConfigurationEvent.CM_UPDATED) {
            List<Configuration> found = dwcpConfigurations(pid);
            if (!found.isEmpty()) {
                ledger.updated(pid, properties(found.get(0)));
            }
        }
    }

    @Override
    public void handleEvent(Event event) {
        Object pid = event.getProperty(ResilienceEvents.PID);
        if (!(pid instanceof String p)) {
            return;
        }
        Object key = event.getProperty(ResilienceEvents.KEY);
        // the kit's refusals carry the whole logged line (PID, key, value, reason) as "message" and the
        // bare reason as "reason"; older payloads put the whole line in "reason"
        Object reason = event.getProperty("message") != null ? event.getProperty("message")
                : event.getProperty(ResilienceEvents.REASON);
        Object ts = event.getProperty(ResilienceEvents.TIMESTAMP);
        long when = ts instanceof Number n ? n.longValue() : System.currentTimeMillis();
        List<Configuration> found = dwcpConfigurations(p);
        Map<String, Object> current = found.isEmpty() ? Map.of() : properties(found.get(0));
        ledger.refused(p, key == null ? "?" : key.toString(), reason == null ? "refused" : reason.toString(), when, current);
    }

    private List<Configuration> dwcpConfigurations(String pid) {
        String filter = pid == null ? "(" + Constants.SERVICE_PID + "=" + DWCP_PID_PREFIX + "*)"
                : "(" + Constants.SERVICE_PID + "=" + escape(pid) + ")";
        try {
            Configuration[] found = configAdmin.listConfigurations(filter);
            return found == null ? List.of() : List.of(found);
        } catch (IOException | InvalidSyntaxException e) {
            logger.warn("cannot list configurations {}: {}", filter, e.toString());
            return Collections.emptyList();
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }

    /** The properties an operator set: without ConfigurationAdmin's and FileInstall's bookkeeping. */
    static Map<String, Object> properties(Configuration c) {
        Dictionary<String, Object> d = c.getProperties();
        Map<String, Object> out = new LinkedHashMap<>();
        if (d == null) {
            return out;
        }
        for (Enumeration<String> keys = d.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            if (k.startsWith("service.") || k.startsWith("felix.fileinstall.") || k.startsWith("component.")
                    || k.startsWith(":org.apache.felix.configadmin")) {
                continue;
            }
            Object v = d.get(k);
            out.put(k, v != null && v.getClass().isArray() ? arrayToList(v) : v);
        }
        return out;
    }

    private static Object arrayToList(Object array) {
        int n = java.lang.reflect.Array.getLength(array);
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(java.lang.reflect.Array.get(array, i));
        }
        return list;
    }
}
