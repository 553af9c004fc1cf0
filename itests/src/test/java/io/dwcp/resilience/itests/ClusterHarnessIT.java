package io.dwcp.resilience.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.dwcp.resilience.itests.cluster.Cluster;
import io.dwcp.resilience.itests.cluster.ClusterNode;
import java.nio.file.Files;
import org.junit.Test;

/** The harness itself: three runtime JVMs with their own folders, each driven through its agent, killed and restarted. */
public class ClusterHarnessIT {

    @Test
    public void threeNodesStartAnswerAndSurviveAKill() throws Exception {
        try (Cluster cluster = new Cluster("harness", "node1", "node2", "node3")) {
            cluster.start();
            for (ClusterNode node : cluster.nodes()) {
                String conf = Files.readString(node.conf().resolve("dwcp.transport.cfg"));
                assertTrue(conf, conf.contains("node.id = " + node.id()));
                assertTrue(conf, conf.contains("listen.port = " + node.port()));
                for (ClusterNode other : cluster.nodes()) {
                    assertEquals(conf, other != node, conf.contains(other.id() + "=127.0.0.1:" + other.port()));
                }
                assertEquals(node.id(), node.command("PING"));
            }
            ClusterNode node3 = cluster.node("node3");
            node3.kill();
            assertFalse(node3.isAlive());
            node3.launch();
            node3.awaitReady();
            assertEquals("node3", node3.command("PING"));
        }
    }
}
