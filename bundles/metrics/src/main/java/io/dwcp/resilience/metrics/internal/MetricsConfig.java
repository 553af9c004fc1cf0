package io.dwcp.resilience.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the metrics export (PID {@code dwcp.metrics}). */
@ObjectClassDefinition(name = "DWCP metrics export",
        description = "Prometheus text format over HTTP (loopback by default) and JMX MBeans under io.dwcp.")
public @interface MetricsConfig {

    /** The PID. */
    String PID = "dwcp.metrics";

    @AttributeDefinition(name = "HTTP enabled", description = "Serve the Prometheus endpoint.")
    boolean http_enabled() default true;

    @AttributeDefinition(name = "Host", description = "Address the endpoint binds to; loopback by default so nothing is exposed by accident.")
    String host() default "127.0.0.1";

    @AttributeDefinition(name = "Port", min = "0", max = "65535", description = "TCP port; 0 picks a free one (logged).")
    int port() default 9464;

    @AttributeDefinition(name = "Path", description = "Path of the scrape endpoint; starts with '/'.")
    String path() default "/metrics";

    @AttributeDefinition(name = "JMX enabled", description = "Register the figures as MBeans under io.dwcp in the platform MBean server.")
    boolean jmx_enabled() default true;

    @AttributeDefinition(name = "JMX refresh (s)", min = "1", max = "3600",
            description = "How often MBeans are added for new operations and stages and removed for gone ones.")
    int jmx_refresh_seconds() default 5;
}
