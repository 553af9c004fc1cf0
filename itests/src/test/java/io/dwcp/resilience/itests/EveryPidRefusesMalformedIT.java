package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.dwcp.resilience.api.event.ResilienceEvents;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.LogLevel;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Issue 13.3 and 13.4, for every configuration PID the platform ships or a component reads (every PID
 * a DWCP bundle declares in its metatype, the transport's included): with the shipped configuration
 * in force (or, for a PID no file ships, a small valid one), a malformed value in one typed key must
 * be refused naming PID, key and reason, in the log and on {@code config/REFUSED}, and the previous
 * configuration must stay in force: the same component instance still active, its service properties
 * unchanged (SCR republishes a refused configuration unless the component prevents it), and every
 * operation's chain unchanged. The shipped configuration is then written back, which must change
 * nothing either.
 *
 * <p>PIDs whose component is not yet on the stage kit are listed in {@link #NOT_YET}, each naming
 * the engineer migrating it: their failures are printed, not asserted, until the migration lands
 * (a listed PID that passes is printed too: take it off the list).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EveryPidRefusesMalformedIT extends DwcpTestSupport {

    /** A value no typed key accepts: not a number, not a boolean, not an option. */
    private static final String MALFORMED = "lots";

    /** PIDs no file of runtime/conf configures: a valid configuration to start from. */
    private static final Map<String, Map<String, String>> NOT_SHIPPED = Map.of(
            "dwcp.bulkhead.semaphore", Map.of("dwcp.operation", "receive"),
            "dwcp.bulkhead.threadpool", Map.of("dwcp.operation", "receive"),
            "dwcp.ratelimiter.tokenbucket", Map.of("dwcp.operation", "receive"),
            "dwcp.ratelimiter.concurrency", Map.of("dwcp.operation", "receive"),
            "dwcp.fallback", Map.of("dwcp.operation", "receive"),
            "dwcp.hedge", Map.of("dwcp.operation", "receive", "idempotent", "true"),
            "dwcp.health.composite", Map.of("dwcp.health.check", "everypid", "children", "peers"));

    /** Keys to make malformed where the metatype declares no typed one. */
    private static final Map<String, String> KEY_OF = Map.of("dwcp.injector.error", "exception",
            "dwcp.loadshed", "shed.degraded");

    /**
     * PIDs whose refusal still misbehaves on main, each with the engineer migrating its component onto
     * the kit (issue 11/13): checked and reported like the others, but assumed to fail until that
     * migration lands, so that this test guards every other PID meanwhile. A listed PID that passes is
     * reported in the output: take it off the list.
     */
    private static final Map<String, String> NOT_YET = Map.of();

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private MetaTypeService metaTypes;

    @Configuration
    public Option[] config() {
        List<Option> options = baseOptions();
        options.addAll(TransportSwapIT.transportOptions());
        return options.toArray(new Option[0]);
    }

    @Test
    public void everyPidRefusesAMalformedTypedValueAndKeepsItsConfiguration() throws Exception {
        BlockingQueue<Event> refusals = new LinkedBlockingQueue<>();
        Hashtable<String, Object> topic = new Hashtable<>();
        topic.put(EventConstants.EVENT_TOPIC, ResilienceEvents.CONFIGURATION_REFUSED);
        var handler = context.registerService(EventHandler.class, refusals::add, topic);
        try (LogCapture log = new LogCapture()) {
            List<String> shipped = applyRuntimeConfiguration();
            Map<String, ObjectClassDefinition> declared = declaredConfigurations(metaTypes);
            // one configuration per declared (factory) PID: the first shipped, or one made here
            Map<String, String> configurationOf = new TreeMap<>();
            for (String pid : new TreeSet<>(shipped)) {
                String base = pid.contains("~") ? pid.substring(0, pid.indexOf('~')) : pid;
                if (declared.containsKey(base)) {
                    configurationOf.putIfAbsent(base, pid);
                }
            }
            for (String base : declared.keySet()) {
                if (!configurationOf.containsKey(base)) {
                    Map<String, String> values = NOT_SHIPPED.get(base);
                    assertNotNull(base + " is declared but neither shipped nor given a configuration here", values);
                    org.osgi.service.cm.Configuration c = configurationAdmin.getFactoryConfiguration(base, "everypid", "?");
                    c.update(new Hashtable<>(values));
                    configurationOf.put(base, c.getPid());
                }
            }
            assertTrue("the manager, the transport, chaos, an injector, metrics and every stage kind are covered: "
                    + configurationOf.keySet(), configurationOf.keySet().containsAll(List.of("dwcp.manager",
                    "dwcp.transport", "dwcp.chaos", "dwcp.injector.latency", "dwcp.metrics", "dwcp.retry",
                    "dwcp.timeout", "dwcp.circuitbreaker", "dwcp.bulkhead.queue", "dwcp.ratelimiter.adaptive",
                    "dwcp.slo", "dwcp.health", "dwcp.degradation", "dwcp.loadshed")));
            awaitActive(scr, new TreeSet<>(configurationOf.values()));
            awaitChainsSettled();
            refusals.clear();

            List<String> failures = new ArrayList<>();
            List<String> passed = new ArrayList<>();
            for (Map.Entry<String, String> e : configurationOf.entrySet()) {
                String key = keyToBreak(e.getKey(), declared.get(e.getKey()));
                String problem = key == null ? e.getValue() + ": declares no typed key and none with options: name one in KEY_OF"
                        : refuseOne(e.getValue(), key, refusals, log);
                if (problem != null) {
                    failures.add(problem);
                } else {
                    passed.add(e.getKey());
                }
            }
            List<String> unexpected = new ArrayList<>();
            for (String f : failures) {
                String pid = f.substring(0, f.indexOf(':'));
                String base = pid.contains("~") ? pid.substring(0, pid.indexOf('~')) : pid;
                if (!NOT_YET.containsKey(base)) {
                    unexpected.add(f);
                }
            }
            List<String> fixed = new ArrayList<>(passed);
            fixed.retainAll(NOT_YET.keySet());
            if (!fixed.isEmpty()) {
                System.out.println("EveryPidRefusesMalformedIT: listed in NOT_YET but refused correctly now, take them off: "
                        + fixed);
            }
            failures.removeAll(unexpected);
            for (String known : failures) {
                System.out.println("EveryPidRefusesMalformedIT: known, assumed until its migration lands: " + known);
            }
            assertTrue("refusals that left a changed configuration behind:\n  " + String.join("\n  ", unexpected),
                    unexpected.isEmpty());
            List<String> errors = new ArrayList<>(log.atLeast(LogLevel.ERROR));
            errors.removeIf(m -> m.contains("refused"));
            assertTrue("ERROR lines other than refusals: " + errors, errors.isEmpty());
        } finally {
            handler.unregister();
        }
    }

    /** @return the key to make malformed: the metatype's first typed key, else one with options, else {@code null} */
    private static String keyToBreak(String base, ObjectClassDefinition ocd) {
        if (KEY_OF.containsKey(base)) {
            return KEY_OF.get(base);
        }
        String withOptions = null;
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            if (ad.getID().equals(Constants.SERVICE_RANKING)) {
                continue;
            }
            switch (ad.getType()) {
                case AttributeDefinition.INTEGER, AttributeDefinition.LONG, AttributeDefinition.DOUBLE,
                        AttributeDefinition.FLOAT, AttributeDefinition.SHORT, AttributeDefinition.BOOLEAN:
                    return ad.getID();
                default:
                    if (withOptions == null && ad.getOptionValues() != null && ad.getOptionValues().length > 0) {
                        withOptions = ad.getID();
                    }
            }
        }
        return withOptions;
    }

    /**
     * Writes {@code key = lots} into {@code pid}'s configuration and checks the refusal and what stays.
     *
     * @return {@code null} when all is well, else a line starting with the PID and naming what went wrong
     */
    private String refuseOne(String pid, String key, BlockingQueue<Event> refusals, LogCapture log) throws Exception {
        org.osgi.service.cm.Configuration config = configurationAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> previous = config.getProperties();
        Set<Long> components = components(pid);
        Map<Long, Map<String, String>> services = services(pid);
        Map<String, ?> chains = chains();
        assertTrue(pid + ": no active component", !components.isEmpty());

        Dictionary<String, Object> broken = copy(previous);
        broken.put(key, MALFORMED);
        config.update(broken);
        Event refusal = awaitRefusal(refusals, pid, key);
        List<String> wrong = new ArrayList<>();
        String logged = "configuration " + pid + " refused: " + key + "=" + MALFORMED + ":";
        if (refusal == null) {
            wrong.add("no config/REFUSED event naming " + key + " within 30 s");
        } else {
            String reason = String.valueOf(refusal.getProperty(ResilienceEvents.REASON));
            if (reason.isBlank() || reason.equals("null")) {
                wrong.add("the event gives no reason");
            }
            // the log reader delivers asynchronously: the line may follow the event
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (log.find(logged) == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String line = log.find(logged);
            if (line == null || !line.startsWith("ERROR")) {
                wrong.add("no ERROR line '" + logged + " <reason>' (" + line + ")");
            }
        }
        // SCR acts on modified's outcome after it returns (republish, or deactivate and activate anew),
        // on ConfigurationAdmin's event thread: let that thread finish with this update first
        configurationEventsDelivered();
        if (!components(pid).equals(components)) {
            wrong.add("the component was not kept: " + components + " became " + components(pid));
        }
        Map<Long, Map<String, String>> after = services(pid);
        if (!after.equals(services)) {
            wrong.add("service properties changed: " + services + " became " + after);
        }
        if (!java.util.Objects.equals(chains(), chains)) {
            wrong.add("chains changed: " + chains + " became " + chains());
        }
        config.update(previous);
        await(pid + " active with its previous configuration again", () -> !components(pid).isEmpty());
        refusals.clear();
        return wrong.isEmpty() ? null : pid + ": " + key + "=" + MALFORMED + ": " + String.join("; ", wrong);
    }

    /**
     * Returns once ConfigurationAdmin has delivered every configuration event posted so far to every
     * listener, SCR's included: Felix ConfigurationAdmin calls the (asynchronous) listeners of one
     * event after another on a single thread, and SCR handles an update (calls {@code modified},
     * then republishes or reactivates) within its listener call. So a test listener that sees an
     * update of a PID of its own, posted after, sees it only when SCR is done with the earlier one.
     */
    private void configurationEventsDelivered() throws Exception {
        String barrier = "itest.configuration.barrier";
        java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(1);
        org.osgi.framework.ServiceRegistration<org.osgi.service.cm.ConfigurationListener> listener =
                context.registerService(org.osgi.service.cm.ConfigurationListener.class, event -> {
                    if (barrier.equals(event.getPid())) {
                        seen.countDown();
                    }
                }, null);
        try {
            org.osgi.service.cm.Configuration c = configurationAdmin.getConfiguration(barrier, "?");
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("at", System.nanoTime());
            c.update(props);
            assertTrue("ConfigurationAdmin delivered no event within 60 s", seen.await(60, TimeUnit.SECONDS));
        } finally {
            listener.unregister();
        }
    }

    private static Event awaitRefusal(BlockingQueue<Event> refusals, String pid, String key) throws InterruptedException {
        // generous: returns as soon as the event arrives; a loaded 2-core CI machine may deliver it late
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Event e = refusals.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                return null;
            }
            if (pid.equals(e.getProperty(ResilienceEvents.PID)) && key.equals(e.getProperty(ResilienceEvents.KEY))) {
                return e;
            }
        }
    }

    /** @return the ids of the active or satisfied component configurations that took {@code pid} */
    private Set<Long> components(String pid) {
        Set<Long> found = new TreeSet<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (pid.equals(c.properties.get(Constants.SERVICE_PID)) && (c.state == ComponentConfigurationDTO.ACTIVE
                        || c.state == ComponentConfigurationDTO.SATISFIED)) {
                    found.add(c.id);
                }
            }
        }
        return found;
    }

    /** @return the services registered with {@code pid}'s configuration: service id to properties as text */
    private Map<Long, Map<String, String>> services(String pid) throws Exception {
        Map<Long, Map<String, String>> found = new TreeMap<>();
        ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(" + Constants.SERVICE_PID + "=" + pid + ")");
        if (refs != null) {
            for (ServiceReference<?> ref : refs) {
                Map<String, String> properties = new TreeMap<>();
                for (String k : ref.getPropertyKeys()) {
                    Object v = ref.getProperty(k);
                    properties.put(k, v != null && v.getClass().isArray() ? List.of((Object[]) v).toString() : String.valueOf(v));
                }
                found.put((Long) ref.getProperty(Constants.SERVICE_ID), properties);
            }
        }
        return found;
    }

    private void awaitChainsSettled() throws Exception {
        Map<String, ?>[] last = new Map[] { chains() };
        long[] stableSince = { System.nanoTime() };
        await("the chains to settle for 1 s", () -> {
            Map<String, ?> now = chains();
            if (!java.util.Objects.equals(now, last[0])) {
                last[0] = now;
                stableSince[0] = System.nanoTime();
            }
            return System.nanoTime() - stableSince[0] > TimeUnit.SECONDS.toNanos(1);
        });
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> d) {
        Hashtable<String, Object> copy = new Hashtable<>();
        for (Enumeration<String> keys = d.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            copy.put(k, d.get(k));
        }
        return copy;
    }
}
