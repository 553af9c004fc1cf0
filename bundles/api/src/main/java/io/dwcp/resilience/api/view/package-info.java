/**
 * The operators' read model: one consistent picture of every operation (its chain in order, the
 * providers, each stage's figures, the manager's counters) and of every DWCP configuration (the
 * values in force and the last refused change). Consoles, dashboards and exporters share it, so
 * they all show the same thing.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.dwcp.resilience.api.view;
