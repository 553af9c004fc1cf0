/**
 * The stage kit: what every configured component of the resilience layer shares, written once.
 * {@link io.dwcp.resilience.kit.ConfigReader} reads and refuses configuration values,
 * {@link io.dwcp.resilience.kit.ConfiguredComponent} runs activate/modified/deactivate with one
 * refusal behaviour and no-op reconfiguration, {@link io.dwcp.resilience.kit.PerKey} keeps one
 * instance per operation, {@link io.dwcp.resilience.kit.Isolated} one per operation or per
 * operation and peer ({@link io.dwcp.resilience.kit.Isolation}: {@code scope}, {@code max.peers}),
 * {@link io.dwcp.resilience.kit.StateCodec} is the one format of saved state, {@link io.dwcp.resilience.kit.LayerClock}
 * the layer's clock or the JVM's, {@link io.dwcp.resilience.kit.Stripes} the one stripe rule of
 * striped call-path state ({@link io.dwcp.resilience.kit.StripedAdder}).
 *
 * <p>Exported for third-party stage authors, who may deploy this bundle or embed the package
 * (bnd {@code -conditionalpackage}), as the DWCP bundles do so that a kit update never refreshes
 * every stage at once.
 */
@org.osgi.annotation.versioning.Version("2.1.0")
package io.dwcp.resilience.kit;
