package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.dwcp.resilience.api.event.ResilienceEvents;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Every file of {@code runtime/conf}, handed to ConfigAdmin as FileInstall does, against the
 * components themselves: each DWCP file must name a PID a component declares (its metatype), use only
 * keys that component declares, be accepted (the component active with that configuration, no
 * refusal logged or posted), and carry the documented values. A file or key no component knows fails.
 *
 * <p>Outside this container's components: the Felix runtime's HTTP server and Web Console files (keys
 * listed here), the log levels (checked through LoggerAdmin), and {@code dwcp.transport}, whose bundle
 * (Netty) is not in the Pax Exam container: RuntimeLaunchIT starts the runtime with it and fails on any
 * ERROR (a refusal), but nothing checks its keys against its metatype yet.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShippedConfigurationIT extends DwcpTestSupport {

    /** Keys of the files read by bundles of the Felix runtime that are not DWCP components. */
    private static final Map<String, Set<String>> OTHER_FILES = Map.of(
            "org.apache.felix.http", Set.of("org.apache.felix.http.host", "org.osgi.service.http.port"),
            "org.apache.felix.webconsole.internal.servlet.OsgiManager", Set.of("username", "password", "manager.root",
                    "http.service.filter", "realm", "category", "locale", "enabled_plugins"));
    private static final String NOT_IN_CONTAINER = "dwcp.transport";

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private MetaTypeService metaTypes;

    @Inject
    private LoggerAdmin loggerAdmin;

    @Test
    public void everyShippedFileIsKnownAcceptedAndSaysWhatTheDocumentationSays() throws Exception {
        List<String> refusals = Collections.synchronizedList(new ArrayList<>());
        Hashtable<String, Object> topic = new Hashtable<>();
        topic.put(EventConstants.EVENT_TOPIC, ResilienceEvents.CONFIGURATION_REFUSED);
        var registration = context.registerService(EventHandler.class,
                e -> refusals.add(String.valueOf(e.getProperty("message"))), topic);
        Map<String, Properties> files = new HashMap<>();
        try (LogCapture log = new LogCapture()) {
            File dir = new File(System.getProperty("dwcp.runtime.conf"));
            for (File f : dir.listFiles((d, n) -> n.endsWith(".cfg"))) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(f.toPath())) {
                    p.load(in);
                }
                String name = f.getName().substring(0, f.getName().length() - 4);
                int dash = name.indexOf('-');
                files.put(dash < 0 ? name : name.substring(0, dash) + "~" + name.substring(dash + 1), p);
            }
            List<String> written = applyRuntimeConfiguration();
            assertEquals(new TreeSet<>(files.keySet()), new TreeSet<>(written));

            Map<String, ObjectClassDefinition> declared = declaredConfigurations(metaTypes);
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, Properties> file : new java.util.TreeMap<>(files).entrySet()) {
                String pid = file.getKey();
                Set<String> keys = file.getValue().stringPropertyNames();
                if (OTHER_FILES.containsKey(pid)) {
                    for (String key : keys) {
                        if (!OTHER_FILES.get(pid).contains(key)) {
                            problems.add(pid + ": key " + key + " is not one of " + OTHER_FILES.get(pid));
                        }
                    }
                    continue;
                }
                if (pid.equals("org.osgi.service.log.admin")) {
                    for (String key : keys) {
                        LogLevel.valueOf(file.getValue().getProperty(key).trim()); // a level name, or this throws
                    }
                    continue;
                }
                if (pid.equals(NOT_IN_CONTAINER)) {
                    continue;
                }
                String factoryOrPid = pid.contains("~") ? pid.substring(0, pid.indexOf('~')) : pid;
                ObjectClassDefinition ocd = declared.get(factoryOrPid);
                if (ocd == null) {
                    problems.add(pid + ": no DWCP component declares " + factoryOrPid);
                    continue;
                }
                Set<String> known = new TreeSet<>();
                for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
                    known.add(ad.getID());
                }
                for (String key : keys) {
                    if (!known.contains(key)) {
                        problems.add(pid + ": key " + key + " is unknown to " + factoryOrPid + " " + known);
                    }
                }
            }
            assertTrue("unknown files or keys in runtime/conf: " + problems, problems.isEmpty());

            // accepted: every DWCP configuration has an active component, nothing refused
            Set<String> wanted = new TreeSet<>();
            for (String pid : files.keySet()) {
                if (pid.startsWith("dwcp.") && !pid.equals(NOT_IN_CONTAINER)) {
                    wanted.add(pid);
                }
            }
            Map<String, Map<String, Object>> active = awaitActive(scr, wanted);
            assertTrue("refusals: " + refusals, refusals.isEmpty());
            List<String> errors = log.atLeast(LogLevel.ERROR);
            assertTrue("errors: " + errors, errors.isEmpty());

            // the documented values, as the components received them
            expect(active, "dwcp.bulkhead.queue~send", "max.concurrent.calls", "100", "queue.capacity", "200", "max.wait.ms", "5000");
            expect(active, "dwcp.bulkhead.queue~consensus", "max.concurrent.calls", "20", "queue.capacity", "50", "max.wait.ms", "15000");
            expect(active, "dwcp.retry~send", "max.retries", "3", "backoff", "exponential", "initial.delay.ms", "100",
                    "max.delay.ms", "5000", "multiplier", "2.0", "jitter", "proportional", "budget.ratio", "0.2");
            expect(active, "dwcp.retry~consensus", "max.retries", "5", "backoff", "exponential", "initial.delay.ms", "500",
                    "max.delay.ms", "30000", "multiplier", "2.0", "jitter", "proportional", "budget.ratio", "0.2");
            expect(active, "dwcp.timeout~send", "mode", "adaptive", "timeout.ms", "30000", "min.timeout.ms", "100", "percentile", "95");
            expect(active, "dwcp.timeout~sync", "mode", "adaptive", "timeout.ms", "30000", "min.timeout.ms", "100");
            expect(active, "dwcp.timeout~receive", "mode", "fixed", "timeout.ms", "30000", "min.timeout.ms", "100");
            expect(active, "dwcp.timeout~consensus", "mode", "fixed", "timeout.ms", "30000", "min.timeout.ms", "100");
            expect(active, "dwcp.ratelimiter.adaptive~send", "initial.rate", "1000", "min.rate", "100", "max.rate", "10000",
                    "target.p95.ms", "100", "max.wait.ms", "0");
            expect(active, "dwcp.slo~overall", "dwcp.operation", "*", "objective", "99.9", "window", "30d");
            expect(active, "dwcp.slo~send", "objective", "99.9", "latency.percentile", "95", "latency.threshold", "100ms");
            expect(active, "dwcp.slo~receive", "objective", "99.9", "latency.percentile", "95", "latency.threshold", "0");
            expect(active, "dwcp.slo~sync", "objective", "99.5", "latency.percentile", "95", "latency.threshold", "500ms");
            expect(active, "dwcp.slo~consensus", "objective", "99.5", "latency.percentile", "95", "latency.threshold", "1s");
            expect(active, "dwcp.health", "default.interval.ms", "10000", "default.timeout.ms", "5000");
            expect(active, "dwcp.chaos", "allowed", "false", "probability", "0.01");
            expect(active, "dwcp.circuitbreaker~send", "failure.consecutive.threshold", "5", "reset.timeout.ms", "60000");
            expect(active, "dwcp.manager", "missing.stage.policy", "bypass", "max.operations", "256");

            // the log levels: DWCP at INFO, everything else at the R7 default. The log service applies its
            // configuration on Configuration Admin's thread, after the components above may already be active.
            await("io.dwcp at INFO from the shipped org.osgi.service.log.admin.cfg", () -> LogLevel.INFO.equals(
                    loggerAdmin.getLoggerContext(null)
                            .getEffectiveLogLevel("io.dwcp.resilience.manager.internal.ResilienceManagerComponent")));
        } finally {
            registration.unregister();
        }
    }

    private static void expect(Map<String, Map<String, Object>> active, String pid, String... keyValues) {
        Map<String, Object> properties = active.get(pid);
        assertNotNull("no active component for " + pid, properties);
        for (int i = 0; i < keyValues.length; i += 2) {
            assertEquals(pid + " " + keyValues[i], keyValues[i + 1], String.valueOf(properties.get(keyValues[i])).trim());
        }
    }
}
