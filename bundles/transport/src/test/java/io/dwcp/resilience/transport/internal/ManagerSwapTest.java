package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.api.Call;
import io.dwcp.resilience.api.ChainView;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.ResilienceManager;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.metrics.OperationMetrics;
import io.dwcp.resilience.api.transport.ConnectionState;
import io.dwcp.resilience.api.transport.DWCPManager;
import io.dwcp.resilience.api.transport.InboundMessage;
import io.dwcp.resilience.api.transport.ManagerUnavailableException;
import io.dwcp.resilience.testkit.TestInvocation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transport's reference to the {@link ResilienceManager} is dynamic: while none is bound, calls wait
 * for one up to their deadline and then fail with {@link ManagerUnavailableException}; a manager going
 * away and another coming (a bundle update) closes no connection and loses no queued message.
 */
class ManagerSwapTest {

    private final TestNodes nodes = new TestNodes(TestNodes.QUIET);

    @AfterEach
    void close() {
        nodes.close();
    }

    /** A manager with no stages: runs the call once, counting calls, as a chain of nothing would. */
    static final class PassThrough implements ResilienceManager {

        final AtomicInteger calls = new AtomicInteger();

        @Override
        public <T> T execute(String operation, Call<T> call) throws Exception {
            return execute(operation, Invocation.NO_PEER, call);
        }

        @Override
        public <T> T execute(String operation, String peer, Call<T> call) throws Exception {
            calls.incrementAndGet();
            return call.call(new TestInvocation(operation, peer, TimeSource.SYSTEM, Invocation.NO_DEADLINE));
        }

        @Override
        public ChainView chain(String operation) {
            throw new UnsupportedOperationException("the DWCP manager never asks for a chain");
        }

        @Override
        public Set<String> operations() {
            return Set.of();
        }

        @Override
        public OperationMetrics metrics(String operation) {
            throw new UnsupportedOperationException("not asked in this test");
        }
    }

    private static DWCPManager manager(NettyTransport t, ManagerHolder holder) {
        return new DwcpManagerService(t, () -> t, t.inbound(), t::ack, holder, () -> null, () -> null, () -> null, List::of);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAManagerACallWaitsUntilItsDeadlineThenFailsClearlyAndSendsNothing() throws Exception {
        NettyTransport a = nodes.start("a", Map.of());
        NettyTransport b = nodes.start("b", Map.of());
        nodes.mesh();
        DWCPManager mgr = manager(a, new ManagerHolder());
        long start = System.nanoTime();
        ManagerUnavailableException e = assertThrows(ManagerUnavailableException.class,
                () -> mgr.send("b", text("x"), Duration.ofMillis(200)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "it waited for its deadline");
        assertTrue(e.getMessage().contains("no ResilienceManager is available"), e.getMessage());
        assertEquals("send", e.operation());
        assertTrue(e.isRejection(), "a rejection: the call never ran");
        assertEquals(0, b.metrics().messagesIn());
        assertEquals(0, a.metrics().messagesOut());
        // every operation waits the same way
        assertThrows(ManagerUnavailableException.class, () -> mgr.receive(Duration.ZERO));
        assertThrows(ManagerUnavailableException.class, () -> mgr.sync("b", text("?"), Duration.ZERO));
        assertThrows(ManagerUnavailableException.class, () -> mgr.consensus(text("c"), Duration.ZERO));
    }

    @Test
    void aManagerSwappedUnderTrafficClosesNoConnectionAndLosesNoQueuedMessage() throws Exception {
        NettyTransport a = nodes.start("a", Map.of());
        NettyTransport b = nodes.start("b", Map.of());
        nodes.mesh();
        TestNodes.await(() -> a.peers().get(0).state() == ConnectionState.CONNECTED
                && b.peers().get(0).state() == ConnectionState.CONNECTED, "a and b connected");
        // A HELLO that crossed mesh()'s peer-list update may have been refused (unknown-peer) and
        // retried before the nodes connected: only refusals from here on count.
        long refusedBeforeSwap = a.metrics().framesRefusedTotal() + b.metrics().framesRefusedTotal();
        ManagerHolder atA = new ManagerHolder();
        ManagerHolder atB = new ManagerHolder();
        PassThrough first = new PassThrough();
        atA.bind(first);
        atB.bind(first);
        DWCPManager sender = manager(a, atA);
        DWCPManager receiver = manager(b, atB);
        // b's application: one thread, so that coming back for the next message acknowledges the last
        ExecutorService application = Executors.newSingleThreadExecutor();
        try {
            // ten sends wait for b's application: queued at b, not acknowledged yet (in order: one at a time)
            List<CompletableFuture<Long>> before = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String payload = "before " + i;
                int queued = i + 1;
                before.add(CompletableFuture.supplyAsync(() -> call(() -> sender.send("b", text(payload), Duration.ofSeconds(30)))));
                TestNodes.await(() -> b.inbound().size() == queued, queued + " queued at b");
            }

            // The manager bundle is updated: its service goes away on both nodes...
            atA.unbind(first);
            atB.unbind(first);
            CompletableFuture<Long> duringUpdate = CompletableFuture.supplyAsync(() -> call(() ->
                    sender.send("b", text("during"), Duration.ofSeconds(30))));
            Future<Optional<InboundMessage>> receiveDuringUpdate = application.submit(() -> receiver.receive(Duration.ofSeconds(10)));
            // ...and a call made meanwhile neither runs nor fails: it waits for the next manager
            TestNodes.await(() -> first.calls.get() == 10 && !duringUpdate.isDone() && !receiveDuringUpdate.isDone(), "the calls wait");
            assertEquals(10, b.inbound().size(), "no queued message was dropped while no manager was bound");

            PassThrough second = new PassThrough();
            atA.bind(second);
            atB.bind(second);
            List<Long> received = new ArrayList<>();
            receiveDuringUpdate.get(10, TimeUnit.SECONDS).ifPresent(m -> received.add(m.messageId()));
            Optional<InboundMessage> m;
            while ((m = application.submit(() -> receiver.receive(Duration.ofMillis(200))).get(10, TimeUnit.SECONDS)).isPresent()) {
                received.add(m.get().messageId());
            }
            List<Long> sent = new ArrayList<>();
            for (CompletableFuture<Long> f : before) {
                sent.add(f.get(10, TimeUnit.SECONDS));
            }
            sent.add(duringUpdate.get(10, TimeUnit.SECONDS));
            assertEquals(10, first.calls.get(), "the first manager ran the ten sends before the update");
            assertTrue(second.calls.get() >= 1, "the waiting send ran through the new manager");
            assertEquals(sent, received, "every message arrived once, in order");
        } finally {
            application.shutdownNow();
        }
        assertEquals(0, a.metrics().reconnects(), "no connection of a was closed");
        assertEquals(0, b.metrics().reconnects(), "no connection of b was closed");
        assertEquals(refusedBeforeSwap, a.metrics().framesRefusedTotal() + b.metrics().framesRefusedTotal(),
                a.metrics().framesRefused() + " " + b.metrics().framesRefused());
        assertSame(ConnectionState.CONNECTED, a.peers().get(0).state());
        assertFalse(b.receive(TestNodes.in(10)).isPresent());
    }

    interface Body<T> {
        T run() throws Exception;
    }

    private static <T> T call(Body<T> body) {
        try {
            return body.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
