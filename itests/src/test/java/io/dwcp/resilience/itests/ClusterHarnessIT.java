package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.dwcp.resilience.itests.cluster.Cluster;
import io.dwcp.resilience.itests.cluster.ClusterNode;
import java.nio.file.Files;
import org.junit.Test;

/**
 * The cluster harness itself, against the runtime as it is: three runtime JVMs with folders and
 * configurations of their own, each driven through its agent bundle, one killed and restarted.
 * Where the runtime has no transport yet, the agents answer that no {@code DWCPManager} is bound.
 */
public class ClusterHarnessIT {

    @Test
    public void threeNodesStartAnswerAndSurviveAKill() throws Exception {
        boolean transport = Cluster.runtimeHasTransport();
        try (Cluster cluster = new Cluster("harness", "node1", "node2", "node3")) {
            if (transport) {
                cluster.start();
            } else {
                cluster.startAgents();
            }
            for (ClusterNode node : cluster.nodes()) {
                String conf = Files.readString(node.conf().resolve("dwcp.transport.cfg"));
                assertTrue(conf, conf.contains("node.id = " + node.id()));
                assertTrue(conf, conf.contains("listen.port = " + node.port()));
                for (ClusterNode other : cluster.nodes()) {
                    assertEquals(conf, other != node, conf.contains(other.id() + "=127.0.0.1:" + other.port()));
                }
                assertEquals(transport ? node.id() : "no-manager", node.command("PING"));
                // the runtime logs at WARN once its configuration is read: the copy holds what the node logs
                assertTrue("the agent's copy of the node's log", Files.exists(node.agentDir().resolve("node.log")));
            }
            ClusterNode node3 = cluster.node("node3");
            node3.kill();
            assertFalse(node3.isAlive());
            node3.launch();
            if (transport) {
                node3.awaitReady();
            } else {
                node3.awaitAgent();
            }
            assertEquals(transport ? "node3" : "no-manager", node3.command("PING"));
            node3.stop(); // SIGTERM: the framework stops in order and the JVM exits
            assertFalse(node3.isAlive());
        }
    }
}
