package io.dwcp.resilience.injector.panic.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Throws an unchecked exception or an {@link Error} in place of the call. Its throwables are its
 * own types, so nothing up the chain mistakes them for a resilience decision; their messages name
 * the operation and the injector.
 */
final class PanicInjector {

    static final String NAME = "panic";

    private final DoubleSupplier random;
    private volatile PanicKind kind;
    private final LongAdder exceptions = new LongAdder();
    private final LongAdder errors = new LongAdder();

    PanicInjector(DoubleSupplier random, PanicKind kind) {
        this.random = random;
        this.kind = kind;
    }

    void update(PanicKind next) {
        kind = next;
    }

    <T> T inject(Invocation inv, Next<T> next) {
        PanicKind k = kind;
        boolean error = k == PanicKind.ERROR || (k == PanicKind.MIXED && random.getAsDouble() < 0.5);
        String message = inv.operation() + ": chaos injector '" + NAME + "' panicked";
        if (error) {
            errors.increment();
            throw new ChaosPanicError(message + " with an Error");
        }
        exceptions.increment();
        throw new ChaosPanicException(message + " with an unchecked exception");
    }

    long exceptions() {
        return exceptions.sum();
    }

    long errors() {
        return errors.sum();
    }
}
