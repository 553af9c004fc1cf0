/**
 * Immutable metrics snapshots that every stage and the manager expose, for export (Prometheus, JMX) and consoles.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.dwcp.resilience.api.metrics;
