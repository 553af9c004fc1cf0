package io.dwcp.resilience.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** An {@link EventAdmin} that keeps every event posted or sent, in order. */
public final class RecordingEventAdmin implements EventAdmin {

    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void postEvent(Event event) {
        events.add(event);
    }

    @Override
    public void sendEvent(Event event) {
        events.add(event);
    }

    /** @return every event so far */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** @return the events on {@code topic} */
    public List<Event> on(String topic) {
        return events.stream().filter(e -> e.getTopic().equals(topic)).toList();
    }
}
