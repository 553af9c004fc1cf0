package io.dwcp.resilience.api.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator asks for when arming chaos. Every field except the duration may be left unset,
 * and then the engine's configuration decides. The engine, not this record, validates the values,
 * so that a refusal names the field and the value.
 *
 * <pre>{@code
 * control.arm(ArmRequest.of(Duration.ofMinutes(5))
 *         .withProbability(0.1)
 *         .withOperations("send")
 *         .withInjector("latency", 3).withInjector("error", 1)
 *         .withReason("game day: send under slow peers"));
 * }</pre>
 *
 * @param duration    how long chaos stays armed before it disarms itself; required and positive
 * @param probability chance in [0, 1] that an in-scope call gets a fault; {@code null} for the configured one
 * @param operations  operations in scope ({@code *} for all); empty for the configured scope
 * @param peers       peers in scope ({@code *} for all); empty for the configured scope
 * @param injectors   injector name to weight (relative, positive); empty for the configured selection
 * @param reason      why, for the audit trail; empty for {@code operator}
 */
public record ArmRequest(Duration duration, Double probability, List<String> operations, List<String> peers,
        Map<String, Double> injectors, String reason) {

    /** Copies the collections (keeping their order and any bad element for the engine to name). */
    public ArmRequest {
        operations = operations == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(operations));
        peers = peers == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(peers));
        injectors = injectors == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(injectors));
        reason = reason == null ? "" : reason;
    }

    /**
     * @param duration how long chaos stays armed
     * @return a request for {@code duration} with everything else as configured
     */
    public static ArmRequest of(Duration duration) {
        return new ArmRequest(duration, null, List.of(), List.of(), Map.of(), "");
    }

    /**
     * @param p the injection probability, in [0, 1]
     * @return a copy with that probability
     */
    public ArmRequest withProbability(double p) {
        return new ArmRequest(duration, p, operations, peers, injectors, reason);
    }

    /**
     * @param names the operations in scope, or {@code *}
     * @return a copy with that operation scope
     */
    public ArmRequest withOperations(String... names) {
        return new ArmRequest(duration, probability, Arrays.asList(names), peers, injectors, reason);
    }

    /**
     * @param names the peers in scope, or {@code *}
     * @return a copy with that peer scope
     */
    public ArmRequest withPeers(String... names) {
        return new ArmRequest(duration, probability, operations, Arrays.asList(names), injectors, reason);
    }

    /**
     * @param name   an injector's {@link FaultInjector#NAME}
     * @param weight its relative weight, positive
     * @return a copy whose selection also contains that injector
     */
    public ArmRequest withInjector(String name, double weight) {
        Map<String, Double> more = new LinkedHashMap<>(injectors);
        more.put(name, weight);
        return new ArmRequest(duration, probability, operations, peers, more, reason);
    }

    /**
     * @param why the reason for the audit trail
     * @return a copy with that reason
     */
    public ArmRequest withReason(String why) {
        return new ArmRequest(duration, probability, operations, peers, injectors, why);
    }
}
