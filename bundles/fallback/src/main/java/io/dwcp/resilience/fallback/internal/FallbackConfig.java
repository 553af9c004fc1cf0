package io.dwcp.resilience.fallback.internal;

import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The fallback stage's configuration, for consoles' forms: one factory configuration
 * {@code dwcp.fallback~<name>} per operation (or {@code *}). Keys, defaults and bounds are read and
 * checked by {@link FallbackSettings#read}.
 */
@ObjectClassDefinition(name = "DWCP fallback",
        description = "When a call fails, answers it another way: other peers, the last good response, or a static"
                + " response, tried in the configured order.")
@interface FallbackConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Use", description = "The ways to answer a failed call, tried in this order:"
            + " peers, last-good, static.")
    String[] use() default {"last-good"};

    @AttributeDefinition(name = "On", description = "The failures that fall back: Java class names; a failure matches"
            + " when its class, a superclass or an interface has one of them.")
    String[] on() default {"java.lang.Exception"};

    @AttributeDefinition(name = "Peers", description = "For 'peers': the other peers to try, in order (the failed"
            + " peer is skipped). Only calls addressed to a peer can go to another.")
    String[] peers();

    @AttributeDefinition(name = "Last good: maximum age (ms)", min = "0",
            description = "For 'last-good': an older response is not used; 0 for no limit.")
    long last_good_max_age_ms() default FallbackSettings.DEFAULT_MAX_AGE_MS;

    @AttributeDefinition(name = "Last good: peers kept per operation", min = "1",
            description = "For 'last-good': one response is kept per operation and peer; past this many peers the"
                    + " least recently answered is forgotten.")
    int last_good_max_peers() default FallbackSettings.DEFAULT_MAX_PEERS;

    @AttributeDefinition(name = "Static response type",
            description = "For 'static': string, bytes (the value as UTF-8), empty (an empty Optional: nothing"
                    + " received) or null.")
    String static_type() default "string";

    @AttributeDefinition(name = "Static response", description = "For 'static': the value returned.")
    String static_value() default "";

    @AttributeDefinition(name = "Slot", description = "Where the stage sits in the chain: before:<kind> or"
            + " after:<kind> of a built-in kind.")
    String dwcp_stage_position() default FallbackSettings.DEFAULT_POSITION;

    @AttributeDefinition(name = "Ranking", description = "The higher wins when two fallback stages serve one operation.")
    int service_ranking() default 0;
}
