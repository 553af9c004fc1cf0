/** Test doubles for stage authors: {@link io.dwcp.resilience.testkit.TestInvocation}, {@link io.dwcp.resilience.testkit.InMemoryStateStore}, {@link io.dwcp.resilience.testkit.RecordingBundleContext}, {@link io.dwcp.resilience.testkit.Hammer} (threads released at once). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package io.dwcp.resilience.testkit;
