package io.dwcp.resilience.kit;

import io.dwcp.resilience.api.chaos.FaultInjector;
import io.dwcp.resilience.api.metrics.MetricsSnapshot;
import io.dwcp.resilience.api.metrics.MetricsSource;
import java.util.List;
import java.util.Map;

/**
 * The base of a configured {@link FaultInjector}: a {@link ConfiguredComponent} registered as
 * {@link FaultInjector} and {@link MetricsSource} with the accepted properties, whose settings are
 * read on each call ({@link #settings()}), so that starting and reconfiguring need nothing more; on
 * stop it {@linkplain #revert() reverts}. Its {@code @Component} declares {@code service = {}} and
 * the property {@code dwcp.injector=<name>}.
 *
 * @param <S> the immutable, validated settings
 * @since 1.2
 */
public abstract class ConfiguredInjector<S> extends ConfiguredComponent<S> implements FaultInjector, MetricsSource {

    private final String name;

    /**
     * @param pid  the configuration PID, e.g. {@code dwcp.injector.latency}
     * @param name the injector's name, equal to its {@value FaultInjector#NAME} property
     * @param more further services it offers (the partition injector is a {@code PartitionPolicy})
     */
    protected ConfiguredInjector(String pid, String name, Class<?>... more) {
        super(pid, services(more));
        this.name = name;
    }

    private static Class<?>[] services(Class<?>... more) {
        Class<?>[] all = new Class<?>[more.length + 2];
        all[0] = FaultInjector.class;
        all[1] = MetricsSource.class;
        System.arraycopy(more, 0, all, 2, more.length);
        return all;
    }

    @Override
    public final String name() {
        return name;
    }

    /** Its {@value FaultInjector#NAME} property comes from the {@code @Component}, not the configuration. */
    @Override
    protected String[] componentPropertyKeys() {
        return new String[] { FaultInjector.NAME };
    }

    @Override
    protected void start(S settings) {
    }

    @Override
    protected void apply(S previous, S next) {
    }

    @Override
    protected void stop() {
        revert();
    }

    /** @return the injector's one metrics snapshot, named {@code chaos-<name>}, for every operation */
    protected final List<MetricsSnapshot> snapshot(Map<String, Number> values) {
        return List.of(new MetricsSnapshot("chaos-" + name, "*", values, System.currentTimeMillis()));
    }
}
