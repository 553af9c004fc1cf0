/**
 * The circuit breaker's public face beyond the {@link io.dwcp.resilience.api.Stage} SPI: its states,
 * manual control (for consoles and operators) and transition listeners (whiteboard).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.dwcp.resilience.api.circuitbreaker;
