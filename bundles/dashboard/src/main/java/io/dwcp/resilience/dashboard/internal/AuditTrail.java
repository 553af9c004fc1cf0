package io.dwcp.resilience.dashboard.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import org.osgi.service.log.Logger;

/**
 * One line per admin action taken from the page, accepted or refused: to the OSGi log (at WARN with the
 * prefix {@code AUDIT}, as the chaos engine writes its own audit lines, so it shows at the default log
 * level of both containers) and to the page, which lists the latest ones.
 */
final class AuditTrail {

    /**
     * One audited action.
     *
     * @param timeMillis when (wall clock)
     * @param user       who, as the container authenticated them
     * @param address    from where
     * @param action     what was asked, with its arguments
     * @param accepted   whether it was carried out
     * @param result     what happened, or why it was refused
     */
    record Line(long timeMillis, String user, String address, String action, boolean accepted, String result) {
    }

    private static final int KEPT = 50;

    private final Deque<Line> lines = new ArrayDeque<>();

    void record(Logger logger, Line line) {
        if (logger != null) {
            logger.warn("AUDIT dashboard: user '{}' from {}: {} -> {}: {}", line.user(), line.address(), line.action(),
                    line.accepted() ? "done" : "refused", line.result());
        }
        synchronized (lines) {
            lines.addLast(line);
            if (lines.size() > KEPT) {
                lines.removeFirst();
            }
        }
    }

    /** Writes the kept lines, newest first. */
    void write(Json json) {
        json.beginArray();
        synchronized (lines) {
            var it = lines.descendingIterator();
            while (it.hasNext()) {
                Line l = it.next();
                json.beginObject().field("t", l.timeMillis()).field("user", l.user()).field("address", l.address())
                        .field("action", l.action()).field("accepted", l.accepted()).field("result", l.result())
                        .endObject();
            }
        }
        json.endArray();
    }
}
