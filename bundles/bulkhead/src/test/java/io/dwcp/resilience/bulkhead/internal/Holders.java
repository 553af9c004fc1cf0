package io.dwcp.resilience.bulkhead.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Calls that enter a bulkhead on their own threads and stay inside until released. */
final class Holders {

    /** Runs one call through a bulkhead. */
    @FunctionalInterface
    interface Runner {
        Object run(Invocation inv, Next<Object> next) throws Exception;
    }

    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private final List<CompletableFuture<Object>> outcomes = new ArrayList<>();

    /**
     * Starts a call on a new thread; returns once it is inside the bulkhead.
     *
     * @return the call's outcome, complete once released
     */
    CompletableFuture<Object> enter(Runner runner, Invocation inv) {
        CountDownLatch entered = new CountDownLatch(1);
        CompletableFuture<Object> outcome = start(runner, inv, entered);
        try {
            if (!entered.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("the call never entered the bulkhead: " + outcome);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return outcome;
    }

    /**
     * Starts a call on a new thread without waiting for it to enter (it may queue).
     *
     * @return the call's outcome
     */
    CompletableFuture<Object> start(Runner runner, Invocation inv, CountDownLatch entered) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                outcome.complete(runner.run(inv, i -> {
                    entered.countDown();
                    release.await();
                    return Thread.currentThread().getName();
                }));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        }, "holder-" + threads.size());
        threads.add(thread);
        outcomes.add(outcome);
        thread.start();
        return outcome;
    }

    Thread thread(int index) {
        return threads.get(index);
    }

    /** Lets every call finish and waits for them. */
    void releaseAll() {
        release.countDown();
        for (CompletableFuture<Object> outcome : outcomes) {
            try {
                outcome.handle((v, t) -> null).get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }
}
