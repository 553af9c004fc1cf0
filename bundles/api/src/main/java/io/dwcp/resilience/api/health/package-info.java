/**
 * The health-check SPI: any bundle contributes a check by registering a {@link io.dwcp.resilience.api.health.HealthCheck} service; {@link io.dwcp.resilience.api.health.HealthListener}s hear status changes,
 * {@link io.dwcp.resilience.api.health.HealthMonitor} reports them, and ping checks probe
 * {@link io.dwcp.resilience.api.health.Pingable} services.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.dwcp.resilience.api.health;
