package io.dwcp.resilience.state.internal;

import io.dwcp.resilience.api.event.ResilienceEvents;
import io.dwcp.resilience.api.state.StateStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Provides the {@link StateStore} over this bundle's data area. Records live as long as the framework
 * storage does (the runtime keeps it in {@code ./data}); updating a stage bundle or replacing it with
 * another provider does not touch them.
 */
@Component(service = StateStore.class)
public class StateStoreComponent implements StateStore {

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private FileStateStore store;

    @Activate
    void activate(BundleContext context) throws IOException {
        File area = context.getDataFile("records");
        if (area == null) {
            throw new IOException("the framework gives bundle " + context.getBundle().getSymbolicName()
                    + " no data area, so stage state cannot be kept");
        }
        store = new FileStateStore(area.toPath(), this::corrupt, System::currentTimeMillis);
        logger.info("state records kept in {} ({} records)", area, store.keys().size());
    }

    private void corrupt(String key, Path setAside, String reason) {
        logger.error("state record '{}' is corrupt ({}); it was set aside as {} and its owner starts fresh", key,
                reason, setAside);
        EventAdmin events = eventAdmin;
        if (events != null) {
            events.postEvent(new Event(ResilienceEvents.STATE_CORRUPT, Map.of(ResilienceEvents.KEY, key,
                    ResilienceEvents.REASON, reason)));
        }
    }

    @Override
    public Optional<byte[]> load(String key) throws IOException {
        return store.load(key);
    }

    @Override
    public void save(String key, byte[] record) throws IOException {
        store.save(key, record);
    }

    @Override
    public boolean delete(String key) throws IOException {
        return store.delete(key);
    }

    @Override
    public Set<String> keys() {
        return store.keys();
    }
}
