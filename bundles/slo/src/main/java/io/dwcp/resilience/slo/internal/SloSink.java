package io.dwcp.resilience.slo.internal;

import io.dwcp.resilience.api.slo.BudgetListener;
import java.util.List;
import java.util.Map;

/** Where a {@link BudgetKeeper} reports: events, listeners, the log. The DS component adapts it to OSGi. */
interface SloSink {

    /** Posts an event asynchronously; does nothing without an event service. */
    void post(String topic, Map<String, Object> properties);

    /** @return the budget listeners now registered */
    List<BudgetListener> listeners();

    void info(String message);

    void warn(String message);

    void error(String message, Throwable failure);
}
