package io.dwcp.resilience.slo.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The Metatype form of a budget ({@code dwcp.slo~<name>}): one factory configuration per
 * operation, and one with {@code dwcp.operation = *} for all operations together. The defaults
 * written here are the only ones ({@link SloSettings} reads them); durations are written {@code 500ms}, {@code 10s}, {@code 5m},
 * {@code 6h}, {@code 30d}.
 */
@ObjectClassDefinition(name = "DWCP error and latency budget",
        description = "Error budget and latency budget of one operation (or * for all operations together) over a rolling window, with multi-window burn-rate alerts.")
@interface SloConfig {

    @AttributeDefinition(name = "Operation",
            description = "The operation this budget watches (send, receive, sync, consensus, ...), or * for all calls together.")
    String dwcp_operation();

    @AttributeDefinition(name = "Objective (%)", min = "0", max = "100",
            description = "Share of calls that must succeed over the window, in percent, e.g. 99.9. Strictly between 0 and 100.")
    double objective() default 99.9;

    @AttributeDefinition(name = "Window",
            description = "Length of the rolling window the objective applies to, e.g. 30d.")
    String window() default "30d";

    @AttributeDefinition(name = "Fine bucket",
            description = "Width of the fine time buckets (recent history and short alert windows), e.g. 1m. Divides the coarse bucket.")
    String bucket_fine() default "1m";

    @AttributeDefinition(name = "Coarse bucket",
            description = "Width of the coarse time buckets that cover the whole window, e.g. 1h. The fine ring spans 24 coarse buckets.")
    String bucket_coarse() default "1h";

    @AttributeDefinition(name = "Count rejections",
            description = "Whether calls refused by a stage (breaker open, rate limited, shed, ...) spend the error budget. If false they are not counted at all.")
    boolean rejections_count() default true;

    @AttributeDefinition(name = "Burn-rate alerts", required = false,
            description = "Comma-separated factor:longWindow:shortWindow[:name] entries; an alert fires when both windows burn the budget at least factor times as fast as the objective allows. Empty for none.")
    // The SRE workbook's table: page on 2% of a 30-day budget in 1 h or 5% in 6 h, ticket on 10% in 3 d.
    String[] alerts() default { "14.4:1h:5m", "6:6h:30m", "1:3d:6h" };

    @AttributeDefinition(name = "Alert minimum calls", min = "0",
            description = "A burn-rate alert does not fire while its short window holds fewer calls than this.")
    int alert_min_requests() default 10;

    @AttributeDefinition(name = "Latency percentile (%)", min = "0", max = "100",
            description = "The latency objective: this percentile of successful calls must be faster than the threshold, e.g. 95.")
    double latency_percentile() default 95.0;

    @AttributeDefinition(name = "Latency threshold",
            description = "The latency objective's bound, e.g. 100ms; 0 turns the latency budget off.")
    String latency_threshold() default "100ms";

    @AttributeDefinition(name = "Latency histogram bucket",
            description = "Width of the time buckets of the latency histograms (percentiles over the window), e.g. 1d.")
    String latency_bucket() default "1d";

    @AttributeDefinition(name = "Latency precision", min = "1", max = "3",
            description = "Significant decimal digits of the latency histograms (HdrHistogram).")
    int latency_precision() default 2;

    @AttributeDefinition(name = "Evaluation interval",
            description = "How often budgets and alerts are evaluated, e.g. 10s. A budget that may have run out is evaluated at once.")
    String evaluation_interval() default "10s";

    @AttributeDefinition(name = "Persist interval",
            description = "How often the budget state is saved to the state store, e.g. 1m. It is also saved on every exhaustion, recovery and alert change and on stop.")
    String persist_interval() default "1m";
}
