/** Test doubles for stage authors: {@link io.dwcp.resilience.testkit.TestInvocation}, {@link io.dwcp.resilience.testkit.InMemoryStateStore}, {@link io.dwcp.resilience.testkit.RecordingBundleContext}. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.dwcp.resilience.testkit;
