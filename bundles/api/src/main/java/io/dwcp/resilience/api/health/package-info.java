/**
 * The health-check SPI: any bundle contributes a check by registering a {@link io.dwcp.resilience.api.health.HealthCheck} service.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.dwcp.resilience.api.health;
