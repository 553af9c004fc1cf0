package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.BulkheadFullException;
import io.dwcp.resilience.api.DeadlineExceededException;
import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.TimeSource;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs the rest of the chain on a dedicated pool of named worker threads, so that a slow operation
 * ties up its own threads and not its callers'. The caller waits for the result, never past its
 * deadline; when the deadline passes first, the work is cancelled (its thread interrupted) and the
 * caller gets a {@link DeadlineExceededException}.
 *
 * <p>The worker gets {@link Invocation#detach()}: the caller's invocation is pooled and dies with
 * the call, while the work may outlive it by the time an interrupted operation needs to stop.
 *
 * <p>Pool semantics are {@link ThreadPoolExecutor}'s: up to the core threads, each call gets a
 * thread; then calls queue; when the queue is full, threads are added up to the maximum; beyond
 * that, calls are rejected. {@link #shutdown()} lets running and queued calls finish within the
 * grace period, then interrupts the workers and cancels what never started (its callers get a
 * {@link BulkheadFullException} at once, none waits forever), and waits until every worker thread
 * has ended.
 */
final class ThreadPoolBulkhead implements Bulkhead<ThreadPoolBulkheadSettings> {

    /** After interrupting the workers, how long to wait for them to end before reporting stragglers. */
    static final long STOP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String operation;
    private final TimeSource metricsClock;
    private final ExecutionTimer timer = new ExecutionTimer(0);
    private final BoundedTaskQueue queue;
    private final WorkerThreads threads;
    private final ThreadPoolExecutor executor;
    /** Whether this is one peer's pool ({@code scope = peer}): its core threads end when idle. */
    private final boolean perPeer;
    private final LongAdder rejected = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private volatile long shutdownGraceNanos;

    /**
     * @param operation    the operation, named in rejections, metrics and thread names
     * @param settings     the pool's sizes
     * @param metricsClock the clock for metrics timestamps
     */
    ThreadPoolBulkhead(String operation, ThreadPoolBulkheadSettings settings, TimeSource metricsClock) {
        this(operation, Invocation.NO_PEER, settings, metricsClock);
    }

    /**
     * @param operation    the operation, named in rejections, metrics and thread names
     * @param peer         the peer of a per-peer pool ({@code scope = peer}), else {@link Invocation#NO_PEER}
     * @param settings     the pool's sizes
     * @param metricsClock the clock for metrics timestamps
     */
    ThreadPoolBulkhead(String operation, String peer, ThreadPoolBulkheadSettings settings, TimeSource metricsClock) {
        this.operation = operation;
        this.perPeer = !Invocation.NO_PEER.equals(peer);
        this.metricsClock = metricsClock;
        this.queue = new BoundedTaskQueue(settings.queueCapacity());
        this.threads = new WorkerThreads(threadNamePrefix(operation, peer));
        this.executor = new ThreadPoolExecutor(settings.coreThreads(), settings.maxThreads(),
                settings.keepAliveNanos(), TimeUnit.NANOSECONDS, queue, threads, new Refusal());
        coreThreadsTimeOut(settings);
        this.shutdownGraceNanos = settings.shutdownGraceNanos();
    }

    /**
     * A per-peer pool lets its core threads end when idle for the keep-alive time: with one pool per
     * peer (up to {@code max.peers}, 64 by default, times {@code core.threads}, 4), pools that keep
     * their core would hold hundreds of threads for peers that call rarely. A keep-alive of 0 means
     * "end extra threads at once", which a core thread cannot honour: the core then stays.
     */
    private void coreThreadsTimeOut(ThreadPoolBulkheadSettings settings) {
        executor.allowCoreThreadTimeOut(perPeer && settings.keepAliveNanos() > 0);
    }

    /**
     * @param operation an operation
     * @return how the names of its worker threads start
     */
    static String threadNamePrefix(String operation) {
        return threadNamePrefix(operation, Invocation.NO_PEER);
    }

    /**
     * @param operation an operation
     * @param peer      a peer, or {@link Invocation#NO_PEER}
     * @return how the names of the worker threads of its pool start (the peer named in peer scope)
     */
    static String threadNamePrefix(String operation, String peer) {
        return "dwcp-bulkhead-" + operation + (Invocation.NO_PEER.equals(peer) ? "" : "@" + peer) + "-";
    }

    @Override
    public <T> T execute(Invocation inv, Next<T> next) throws Exception {
        TimeSource clock = inv.timeSource();
        long remaining = inv.hasDeadline() ? inv.remainingNanos(clock.nanoTime()) : Long.MAX_VALUE;
        if (remaining <= 0) {
            timedOut.increment();
            throw new DeadlineExceededException(operation, -1, "deadline had passed when the call reached the bulkhead's thread pool");
        }
        FutureTask<T> task = new FutureTask<>(new Work<>(next, inv.detach(), timer));
        executor.execute(task); // a full or stopped pool throws BulkheadFullException from Refusal
        try {
            return remaining == Long.MAX_VALUE ? task.get() : task.get(remaining, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        } catch (TimeoutException e) {
            if (!task.cancel(true)) {
                return outcome(task); // it finished just as the wait ran out: its outcome stands
            }
            executor.remove(task); // frees its queue slot now rather than when a worker skips it
            timedOut.increment();
            throw new DeadlineExceededException(operation, -1, "deadline reached waiting for the bulkhead's thread pool");
        } catch (InterruptedException e) {
            task.cancel(true);
            executor.remove(task);
            throw new InterruptedException(operation + ": interrupted while waiting for the bulkhead's thread pool");
        } catch (CancellationException e) {
            rejected.increment();
            throw new BulkheadFullException(operation, "the thread pool stopped before the call ran");
        }
    }

    private <T> T outcome(FutureTask<T> done) throws Exception {
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        }
    }

    private static Exception rethrowable(Throwable cause) {
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        if (cause instanceof Exception) {
            return (Exception) cause;
        }
        return new UndeclaredThrowableException(cause);
    }

    @Override
    public synchronized void resize(ThreadPoolBulkheadSettings settings) {
        // The executor refuses core > max at every step, so the order depends on the direction.
        if (settings.maxThreads() < executor.getCorePoolSize()) {
            executor.setCorePoolSize(settings.coreThreads());
            executor.setMaximumPoolSize(settings.maxThreads());
        } else {
            executor.setMaximumPoolSize(settings.maxThreads());
            executor.setCorePoolSize(settings.coreThreads());
        }
        queue.setCapacity(settings.queueCapacity());
        if (settings.keepAliveNanos() == 0) {
            coreThreadsTimeOut(settings); // before the keep-alive: the executor refuses 0 while the core may time out
        }
        executor.setKeepAliveTime(settings.keepAliveNanos(), TimeUnit.NANOSECONDS);
        coreThreadsTimeOut(settings);
        shutdownGraceNanos = settings.shutdownGraceNanos();
    }

    @Override
    public boolean holdsThreads() {
        return true;
    }

    /**
     * Stops the pool: running and queued calls get the grace period, then workers are interrupted
     * and calls that never started are cancelled; returns once every worker thread has ended or
     * one more second has passed.
     *
     * @return the names of worker threads still alive (a call that ignores interruption), normally none
     */
    @Override
    public synchronized List<String> shutdown() {
        boolean interrupted = false;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(shutdownGraceNanos, TimeUnit.NANOSECONDS)) {
                stopNow();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            stopNow();
        }
        try {
            return threads.awaitEnd(interrupted ? 0 : STOP_NANOS);
        } catch (InterruptedException e) {
            interrupted = true;
            return threads.alive().stream().map(Thread::getName).toList();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void stopNow() {
        for (Runnable never : executor.shutdownNow()) {
            ((Future<?>) never).cancel(false);
        }
    }

    /** @return the worker threads alive now (for tests) */
    List<Thread> liveThreads() {
        return threads.alive();
    }

    /** @return calls running on a worker now */
    int active() {
        return executor.getActiveCount();
    }

    /** @return calls waiting for a worker now */
    int queued() {
        return queue.size();
    }

    /** @return calls rejected: pool and queue full, or pool stopped */
    long rejected() {
        return rejected.sum();
    }

    /** @return calls whose deadline passed before their result came */
    long timedOut() {
        return timedOut.sum();
    }

    /** @return the executor (for tests of live resizing) */
    ThreadPoolExecutor executor() {
        return executor;
    }

    /** @return the work queue (for tests of live resizing) */
    BoundedTaskQueue queue() {
        return queue;
    }

    /** @return the mean time calls ran on a worker */
    double averageExecutionNanos() {
        return timer.averageNanos();
    }

    @Override
    public MetricsSnapshot metrics() {
        int inUse = executor.getActiveCount();
        int max = executor.getMaximumPoolSize();
        int waiting = queue.size();
        int capacity = queue.capacity();
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("active", inUse);
        values.put("maxConcurrentCalls", max);
        values.put("available", Math.max(0, max - inUse));
        values.put("utilisation", (double) inUse / max);
        values.put("queued", waiting);
        values.put("queueCapacity", capacity);
        values.put("queueUtilisation", (double) Math.min(waiting, capacity) / capacity);
        values.put("coreThreads", executor.getCorePoolSize());
        values.put("poolSize", executor.getPoolSize());
        values.put("completed", executor.getCompletedTaskCount());
        values.put("rejected", rejected.sum());
        values.put("timedOut", timedOut.sum());
        values.put("averageExecutionNanos", timer.averageNanos());
        return new MetricsSnapshot(METRICS_SOURCE, operation, values, metricsClock.currentTimeMillis());
    }

    /** The rest of the chain, run on a worker with the detached invocation. */
    private static final class Work<T> implements Callable<T> {

        private final Next<T> next;
        private final Invocation detached;
        private final ExecutionTimer timer;

        Work(Next<T> next, Invocation detached, ExecutionTimer timer) {
            this.next = next;
            this.detached = detached;
            this.timer = timer;
        }

        @Override
        public T call() throws Exception {
            long begin = timer.begin(detached);
            try {
                return next.proceed(detached);
            } finally {
                timer.end(detached, begin);
            }
        }
    }

    /** Turns the executor's refusal into the layer's rejection, counted, without a stack trace. */
    private final class Refusal implements RejectedExecutionHandler {

        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor pool) {
            rejected.increment();
            if (pool.isShutdown()) {
                throw new BulkheadFullException(operation, "the thread pool has stopped");
            }
            int threads = pool.getMaximumPoolSize();
            int waiting = queue.capacity();
            throw new BulkheadFullException(operation, () -> "all " + threads
                    + " threads busy and the queue is full (" + waiting + " waiting)");
        }
    }
}
