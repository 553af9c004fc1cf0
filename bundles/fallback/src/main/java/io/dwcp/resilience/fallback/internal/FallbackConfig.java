package io.dwcp.resilience.fallback.internal;

import io.dwcp.resilience.kit.ConfigReader;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The fallback stage's configuration, for consoles' forms: one factory configuration
 * {@code dwcp.fallback~<name>} per operation (or {@code *}). The one place of every key's default,
 * bounds and options, checked by the kit against the generated Metatype; {@link FallbackSettings#read}
 * adds the rules across keys.
 */
@ObjectClassDefinition(name = "DWCP fallback",
        description = "When a call fails, answers it another way: other peers, the last good response, or a static"
                + " response, tried in the configured order.")
@interface FallbackConfig {

    @AttributeDefinition(name = "Operation", description = ConfigReader.OPERATION_DESCRIPTION)
    String dwcp_operation() default "*";

    @AttributeDefinition(name = "Use", description = "The ways to answer a failed call, tried in this order:"
            + " peers, last-good, static.", options = { @Option(label = "Other peers", value = "peers"),
                @Option(label = "Last good response", value = "last-good"), @Option(label = "Static", value = "static") })
    String[] use() default {"last-good"};

    @AttributeDefinition(name = "On", description = "The failures that fall back: Java class names; a failure matches"
            + " when its class, a superclass or an interface has one of them.")
    String[] on() default {"java.lang.Exception"};

    @AttributeDefinition(name = "Peers", description = "For 'peers': the other peers to try, in order (the failed"
            + " peer is skipped). Only calls addressed to a peer can go to another.")
    String[] peers();

    @AttributeDefinition(name = "Last good: maximum age (ms)", min = "0",
            max = "86400000", description = "For 'last-good': an older response is not used; 0 for no limit.")
    long last_good_max_age_ms() default 60_000;

    @AttributeDefinition(name = "Last good: peers kept per operation", min = "1", max = "100000",
            description = "For 'last-good': one response is kept per operation and peer; past this many peers the"
                    + " least recently answered is forgotten.")
    int last_good_max_peers() default 64;

    @AttributeDefinition(name = "Static response type",
            description = "For 'static': string, bytes (the value as UTF-8), empty (an empty Optional: nothing"
                    + " received) or null.", options = { @Option(label = "String", value = "string"),
                @Option(label = "Bytes", value = "bytes"), @Option(label = "Empty", value = "empty"),
                @Option(label = "Null", value = "null") })
    String static_type() default "string";

    @AttributeDefinition(name = "Static response", description = "For 'static': the value returned.")
    String static_value() default "";

    @AttributeDefinition(name = "Slot", description = "Where the stage sits in the chain: before:<kind> or"
            + " after:<kind> of a built-in kind.")
    String dwcp_stage_position() default "after:chaos";

    @AttributeDefinition(name = "Ranking", description = "The higher wins when two fallback stages serve one operation.")
    int service_ranking() default 0;
}
