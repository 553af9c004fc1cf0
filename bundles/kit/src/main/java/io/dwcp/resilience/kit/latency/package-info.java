/**
 * Latency percentiles for stages that adapt to them ({@link io.dwcp.resilience.kit.latency.PercentileWindow}):
 * a package of its own because it needs HdrHistogram, which a stage embedding only the kit's
 * configuration classes should not have to import.
 */
@org.osgi.annotation.versioning.Version("1.1.0")
package io.dwcp.resilience.kit.latency;
