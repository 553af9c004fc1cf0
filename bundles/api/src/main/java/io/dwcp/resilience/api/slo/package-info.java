/**
 * Service level objectives: error budgets and latency budgets of operations, their exhaustion and
 * their burn-rate alerts, as callbacks ({@link io.dwcp.resilience.api.slo.BudgetListener}) and as
 * EventAdmin events ({@link io.dwcp.resilience.api.event.ResilienceEvents#BUDGET_EXHAUSTED},
 * {@link io.dwcp.resilience.api.event.ResilienceEvents#BUDGET_RECOVERED},
 * {@link io.dwcp.resilience.api.event.ResilienceEvents#BURN_RATE_ALERT}) whose extra properties
 * are named in {@link io.dwcp.resilience.api.slo.SloEvents}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.dwcp.resilience.api.slo;
