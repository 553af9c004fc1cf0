package io.dwcp.resilience.injector.panic.internal;

import io.dwcp.resilience.api.Invocation;
import io.dwcp.resilience.api.Next;
import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.kit.ConfigReader;
import io.dwcp.resilience.kit.ConfiguredInjector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The {@code panic} fault injector: throws an unchecked exception or an {@link Error} in place of the
 * call. Its throwables are its own types, so nothing up the chain mistakes them for a resilience
 * decision; their messages name the operation and the injector. A panic is over once thrown: revert
 * has nothing to undo.
 */
@Component(configurationPid = PanicInjector.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {},
        property = FaultInjector.NAME + "=" + PanicInjector.NAME)
@Designate(ocd = PanicInjector.Config.class)
public final class PanicInjector extends ConfiguredInjector<PanicInjector.Kind> {

    static final String PID = "dwcp.injector.panic";
    static final String NAME = "panic";

    @ObjectClassDefinition(id = PID, name = "DWCP chaos injector: panic",
            description = "Throws an unchecked exception or an Error from inside the call: code that was not written to fail.")
    @interface Config {
        @AttributeDefinition(name = "Kind", description = "exception: a RuntimeException; error: an Error; "
                + "mixed: either, half the time each.", options = {@Option(label = "exception", value = "exception"),
                        @Option(label = "error", value = "error"), @Option(label = "mixed", value = "mixed")})
        String kind() default "exception";
    }

    /** What a panic throws: a {@link ChaosPanicException}, a {@link ChaosPanicError}, or either with equal chance. */
    enum Kind { EXCEPTION, ERROR, MIXED }

    private final DoubleSupplier random;
    private final LongAdder exceptions = new LongAdder();
    private final LongAdder errors = new LongAdder();

    public PanicInjector() {
        this(() -> ThreadLocalRandom.current().nextDouble());
    }

    PanicInjector(DoubleSupplier random) {
        super(PID, NAME);
        this.random = random;
    }

    @Override
    protected Kind read(ConfigReader config) {
        return ConfigReader.constant(Kind.class, config.typed(Config.class).kind()); // an option of the Metatype
    }

    @Override
    public <T> T inject(Invocation inv, Next<T> next) {
        Kind k = settings();
        boolean error = k == Kind.ERROR || (k == Kind.MIXED && random.getAsDouble() < 0.5);
        String message = inv.operation() + ": chaos injector '" + NAME + "' panicked";
        if (error) {
            errors.increment();
            throw new ChaosPanicError(message + " with an Error");
        }
        exceptions.increment();
        throw new ChaosPanicException(message + " with an unchecked exception");
    }

    @Override
    public void revert() {
        // nothing stays in effect after a panic
    }

    long exceptions() {
        return exceptions.sum();
    }

    long errors() {
        return errors.sum();
    }

    @Override
    public List<MetricsSnapshot> metrics() {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("exceptions", exceptions());
        values.put("errors", errors());
        return snapshot(values);
    }
}
