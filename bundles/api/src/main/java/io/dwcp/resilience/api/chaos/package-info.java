/**
 * Chaos engineering: the fault-injector SPI that third parties implement against this package
 * alone ({@link io.dwcp.resilience.api.chaos.FaultInjector}), the operator's arm/disarm handle
 * ({@link io.dwcp.resilience.api.chaos.ChaosControl}) and the network-partition hook the
 * transport consults ({@link io.dwcp.resilience.api.chaos.PartitionPolicy}).
 *
 * <p>1.1.0 added {@code ChaosControl}, {@code ArmRequest}, {@code ChaosStatus},
 * {@code ChaosNotAllowedException} and {@code PartitionPolicy}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.dwcp.resilience.api.chaos;
