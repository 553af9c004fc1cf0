package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;

import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.transport.ConnectionState;
import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.DWCPTransport;
import io.dwcp.resilience.api.transport.InboundMessage;
import io.dwcp.resilience.api.transport.TransportMetrics;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Two transport instances in one container (two factory configurations of {@code dwcp.transport}),
 * messages flowing from one to the other through the chain, and the manager bundle updated meanwhile:
 * no connection closes, no message is lost or delivered twice, no call fails.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TransportSwapIT extends DwcpTestSupport {

    /** The transport and what it needs, installed for this class only (the others run without it). */
    private static final String[] TRANSPORT = {"netty-common", "netty-buffer", "netty-resolver", "netty-transport",
        "netty-transport-native-unix-common", "netty-codec-base", "netty-handler", "lz4-java", "io.dwcp.resilience.transport"};

    private static final int MESSAGES = 100;

    @Configuration
    public Option[] config() {
        List<Option> options = baseOptions();
        options.addAll(transportOptions());
        return options.toArray(new Option[0]);
    }

    /** Host side: the transport bundle and its libraries, which the other test classes run without. */
    static List<Option> transportOptions() {
        List<Option> options = new java.util.ArrayList<>();
        File optional = new File(new File(System.getProperty("dwcp.bundles.dir", "target/bundles")).getParentFile(),
                "optional-bundles");
        for (String jar : TRANSPORT) {
            options.add(bundle(new File(optional, jar + ".jar").toURI().toString()));
        }
        return options;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void transport(String nodeId, int port, String peer) throws Exception {
        org.osgi.service.cm.Configuration c = configurationAdmin.getFactoryConfiguration(DWCPTransport.PID, nodeId, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("node.id", nodeId);
        props.put("listen.port", String.valueOf(port));
        props.put("peers", peer);
        props.put("reconnect.initial.ms", "10");
        props.put("reconnect.max.ms", "100");
        c.update(props);
    }

    private <T> T service(Class<T> type, String nodeId) throws Exception {
        String filter = "(node.id=" + nodeId + ")";
        await(type.getSimpleName() + " of " + nodeId, () -> {
            try {
                return !context.getServiceReferences(type, filter).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Collection<ServiceReference<T>> refs = context.getServiceReferences(type, filter);
        return context.getService(refs.iterator().next());
    }

    private static boolean connected(DWCPManager m, String peer) {
        return m.peers().stream().anyMatch(p -> p.nodeId().equals(peer) && p.state() == ConnectionState.CONNECTED);
    }

    @Test
    public void updatingTheManagerBundleUnderTrafficClosesNoConnectionAndLosesNoMessage() throws Exception {
        int portA = freePort();
        int portB = freePort();
        transport("swap-a", portA, "swap-b=127.0.0.1:" + portB);
        transport("swap-b", portB, "swap-a=127.0.0.1:" + portA);
        DWCPManager a = service(DWCPManager.class, "swap-a");
        DWCPManager b = service(DWCPManager.class, "swap-b");
        DWCPTransport ta = service(DWCPTransport.class, "swap-a");
        DWCPTransport tb = service(DWCPTransport.class, "swap-b");
        await("swap-a and swap-b connected both ways", () -> connected(a, "swap-b") && connected(b, "swap-a"));
        TransportMetrics beforeA = ta.metrics();
        TransportMetrics beforeB = tb.metrics();

        List<Long> acked = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failed = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        // swap-b's application takes every message as it comes: a send is acknowledged only once the
        // receiving application is done with the message (docs/transport.md, "Delivery guarantees")
        Set<Long> delivered = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Long> twice = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean receiving = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread receiver = new Thread(() -> {
            while (receiving.get()) {
                try {
                    b.receive(Duration.ofSeconds(10)).ifPresent(m -> { // waits through the update for the next manager
                        if (!delivered.add(m.messageId())) {
                            twice.add(m.messageId());
                        }
                    });
                } catch (Exception e) {
                    failed.add(e);
                }
            }
        }, "swap-receiver");
        receiver.start();
        Thread sender = new Thread(() -> {
            // sends one message after the other until told to stop: before, during and after the update
            for (int i = 0; sending.get(); i++) {
                try {
                    acked.add(a.send("swap-b", ("message " + i).getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30)));
                } catch (Exception e) {
                    failed.add(e);
                }
            }
        }, "swap-sender");
        sender.start();
        await(MESSAGES + " messages acknowledged before the update", () -> acked.size() >= MESSAGES);

        Bundle manager = java.util.Arrays.stream(context.getBundles())
                .filter(x -> "io.dwcp.resilience.manager".equals(x.getSymbolicName())).findFirst().orElseThrow();
        long managerService = (Long) context.getServiceReference(ResilienceManager.class).getProperty("service.id");
        manager.update();
        await("a new ResilienceManager registered", () -> {
            ServiceReference<ResilienceManager> ref = context.getServiceReference(ResilienceManager.class);
            return ref != null && (Long) ref.getProperty("service.id") != managerService;
        });
        int atSwap = acked.size();
        await(MESSAGES + " more acknowledged after it", () -> acked.size() >= atSwap + MESSAGES);
        sending.set(false);
        sender.join(60_000);
        assertEquals("no send failed", List.of(), failed);
        receiving.set(false);
        receiver.join(60_000);
        assertEquals("no receive failed", List.of(), failed);
        assertEquals("delivered once", List.of(), twice);
        assertEquals(new HashSet<>(acked), delivered);
        assertTrue("nothing more", b.receive(Duration.ofMillis(100)).isEmpty());
        TransportMetrics afterA = ta.metrics();
        TransportMetrics afterB = tb.metrics();
        assertEquals("swap-a reconnected nothing", beforeA.reconnects(), afterA.reconnects());
        assertEquals("swap-b reconnected nothing", beforeB.reconnects(), afterB.reconnects());
        assertEquals("swap-a accepted no new connection", beforeA.connectionsAccepted(), afterA.connectionsAccepted());
        assertEquals("swap-b accepted no new connection", beforeB.connectionsAccepted(), afterB.connectionsAccepted());
        assertEquals(0, afterA.framesRefusedTotal() + afterB.framesRefusedTotal());
    }
}
