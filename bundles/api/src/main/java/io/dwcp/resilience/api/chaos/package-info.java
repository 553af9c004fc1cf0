/**
 * The fault-injector SPI of chaos engineering: third parties implement {@link io.dwcp.resilience.api.chaos.FaultInjector} against this package alone.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.dwcp.resilience.api.chaos;
