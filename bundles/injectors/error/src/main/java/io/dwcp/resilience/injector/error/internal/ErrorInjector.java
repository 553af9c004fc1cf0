package io.dwcp.resilience.injector.error.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import java.util.concurrent.atomic.LongAdder;

/** Fails the call with the configured exception; the rest of the chain does not run. */
final class ErrorInjector {

    static final String NAME = "error";

    private volatile ErrorSettings settings;
    private final LongAdder thrown = new LongAdder();

    ErrorInjector(ErrorSettings settings) {
        this.settings = settings;
    }

    void update(ErrorSettings next) {
        settings = next;
    }

    <T> T inject(Invocation inv, Next<T> next) throws Exception {
        thrown.increment();
        throw settings.create(inv.operation());
    }

    long thrown() {
        return thrown.sum();
    }
}
