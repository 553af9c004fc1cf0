/**
 * Durable state of stages: what must survive a bundle update, a swap for another provider and a
 * runtime restart (circuit-breaker state, adaptive limits, error-budget accounting).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.dwcp.resilience.api.state;
