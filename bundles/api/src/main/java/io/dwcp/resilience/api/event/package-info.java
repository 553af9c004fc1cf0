/**
 * EventAdmin topics and event property names of the resilience layer, all under {@code dwcp/resilience/}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.dwcp.resilience.api.event;
