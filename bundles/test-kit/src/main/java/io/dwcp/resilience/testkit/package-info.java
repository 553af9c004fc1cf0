/** Test doubles for stage authors: {@link io.dwcp.resilience.testkit.TestInvocation}, {@link io.dwcp.resilience.testkit.InMemoryStateStore}. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.dwcp.resilience.testkit;
