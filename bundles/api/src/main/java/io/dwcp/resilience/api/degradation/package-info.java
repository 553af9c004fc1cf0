/**
 * Graceful degradation: {@link io.dwcp.resilience.api.degradation.DegradationLevel}s per component and
 * overall, the {@link io.dwcp.resilience.api.degradation.DegradationManager} that computes them and
 * answers which features stay on, and {@link io.dwcp.resilience.api.degradation.DegradationListener}s
 * that hear level changes.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.dwcp.resilience.api.degradation;
