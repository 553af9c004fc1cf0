/**
 * The DWCP resilience layer's core API and stage SPI.
 *
 * <p>Every DWCP operation runs through a chain of {@link io.dwcp.resilience.api.Stage} services,
 * outermost first in the order of {@link io.dwcp.resilience.api.StageKind}, with kinds beyond those
 * seven in the slots their providers state ({@link io.dwcp.resilience.api.StagePosition}, since 1.3). The
 * {@link io.dwcp.resilience.api.ResilienceManager} builds that chain from whatever stage services
 * are registered and rebuilds it when they come and go, so a strategy can be replaced in a
 * running container. {@link io.dwcp.resilience.api.CallObserver}s learn the outcome of every call.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package io.dwcp.resilience.api;
