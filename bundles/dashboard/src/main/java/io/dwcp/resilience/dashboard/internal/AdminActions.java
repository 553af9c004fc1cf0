package io.dwcp.resilience.dashboard.internal;

import io.dwcp.resilience.api.Operations;
import io.dwcp.resilience.api.chaos.ArmRequest;
import io.dwcp.resilience.api.chaos.ChaosControl;
import io.dwcp.resilience.api.chaos.ChaosStatus;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerControl;
import io.dwcp.resilience.api.circuitbreaker.CircuitBreakerState;
import io.dwcp.resilience.api.degradation.DegradationLevel;
import io.dwcp.resilience.api.degradation.DegradationManager;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The actions an admin can take from the page. Each validates all of its arguments before it changes
 * anything, and every attempt, carried out or refused, leaves one audit line.
 */
final class AdminActions {

    /** How long a forced degradation level lasts when the form leaves it blank. */
    static final String DEFAULT_DEGRADE_FOR = "30m";

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final LiveModel model;

    AdminActions(LiveModel model) {
        this.model = model;
    }

    /**
     * Carries out one action and audits it.
     *
     * @param action  the action's name
     * @param params  its arguments (form fields)
     * @param user    who asks, as the container authenticated them
     * @param address from where
     * @return what was done, in words
     * @throws IllegalArgumentException for an unknown action or a bad argument, naming it
     * @throws IllegalStateException when the service the action needs is not there or refuses
     */
    String perform(String action, Map<String, String> params, String user, String address) {
        String described = describe(action, params);
        try {
            String result = run(action == null ? "" : action, params);
            model.audit(new AuditTrail.Line(System.currentTimeMillis(), user, address, described, true, result));
            return result;
        } catch (RuntimeException e) {
            model.audit(new AuditTrail.Line(System.currentTimeMillis(), user, address, described, false,
                    String.valueOf(e.getMessage())));
            throw e;
        }
    }

    private String run(String action, Map<String, String> p) {
        return switch (action) {
            case "chaos-arm" -> armChaos(p);
            case "chaos-disarm" -> disarmChaos();
            case "degrade" -> degrade(p);
            case "degrade-auto" -> degradeAuto(p);
            case "breaker" -> breaker(p);
            default -> throw new IllegalArgumentException("unknown action '" + action
                    + "': expected chaos-arm, chaos-disarm, degrade, degrade-auto or breaker");
        };
    }

    private String armChaos(Map<String, String> p) {
        Duration duration = DurationText.parsePositive("duration", p.get("duration"));
        ArmRequest request = ArmRequest.of(duration);
        String probability = blankToNull(p.get("probability"));
        if (probability != null) {
            request = request.withProbability(parseDouble("probability", probability));
        }
        List<String> ops = list(p.get("operations"));
        if (!ops.isEmpty()) {
            request = request.withOperations(ops.toArray(String[]::new));
        }
        List<String> peers = list(p.get("peers"));
        if (!peers.isEmpty()) {
            request = request.withPeers(peers.toArray(String[]::new));
        }
        for (String injector : list(p.get("injectors"))) {
            request = request.withInjector(injector, 1.0);
        }
        String reason = blankToNull(p.get("reason"));
        request = request.withReason(reason == null ? "armed from the dashboard" : reason);
        ChaosStatus s = need(model.chaos(), "the chaos engine").arm(request);
        return "chaos armed until " + CLOCK.format(Instant.ofEpochMilli(s.expiresAtMillis())) + " ("
                + DurationText.format(duration) + "), probability " + s.probability() + ", operations "
                + s.operations() + ", injectors " + (s.weights().isEmpty() ? "all" : s.weights().keySet());
    }

    private String disarmChaos() {
        ChaosStatus s = need(model.chaos(), "the chaos engine").disarm("kill switch on the dashboard");
        return s.armed() ? "chaos still armed" : "chaos disarmed, every fault reverted";
    }

    private String degrade(Map<String, String> p) {
        String levelText = p.get("level");
        if (levelText == null || levelText.isBlank()) {
            throw new IllegalArgumentException("level is missing: expected NORMAL, DEGRADED, SEVERELY_DEGRADED or EMERGENCY");
        }
        DegradationLevel level = DegradationLevel.parse(levelText);
        String forText = blankToNull(p.get("duration"));
        Duration duration = DurationText.parsePositive("duration", forText == null ? DEFAULT_DEGRADE_FOR : forText);
        String component = component(p);
        need(model.degradation(), "the degradation manager").override(component, level, duration,
                "forced from the dashboard");
        return "degradation of " + label(component) + " forced to " + level + " for " + DurationText.format(duration);
    }

    private String degradeAuto(Map<String, String> p) {
        String component = component(p);
        boolean removed = need(model.degradation(), "the degradation manager").clearOverride(component);
        return removed ? "degradation of " + label(component) + " back to automatic"
                : "degradation of " + label(component) + " was already automatic";
    }

    private String breaker(Map<String, String> p) {
        String op = Operations.validate(blankToNull(p.get("operation")));
        String stateText = p.get("state");
        CircuitBreakerState target = parseState(stateText);
        CircuitBreakerControl control = model.breaker(op);
        CircuitBreakerState before = control.state(op);
        control.transitionTo(op, target);
        return "breaker of " + op + " moved from " + before + " to " + control.state(op);
    }

    private static CircuitBreakerState parseState(String text) {
        if (text != null) {
            String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            // "open" from the page means forced open: it stays open until an operator closes it
            if (name.equals("OPEN")) {
                return CircuitBreakerState.FORCED_OPEN;
            }
            for (CircuitBreakerState s : CircuitBreakerState.values()) {
                if (s.name().equals(name)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("state '" + text
                + "' is not a breaker state: expected open, closed, half_open, disabled, forced_open or metrics_only");
    }

    private static String component(Map<String, String> p) {
        String c = blankToNull(p.get("component"));
        return c == null ? DegradationManager.OVERALL : c;
    }

    private static String label(String component) {
        return DegradationManager.OVERALL.equals(component) ? "the whole layer" : component;
    }

    private static <T> T need(T service, String what) {
        if (service == null) {
            throw new IllegalStateException(what + " is not installed");
        }
        return service;
    }

    private static double parseDouble(String field, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " '" + text + "' is not a number");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static List<String> list(String text) {
        List<String> items = new ArrayList<>();
        if (text != null) {
            for (String s : text.split(",")) {
                if (!s.isBlank()) {
                    items.add(s.trim());
                }
            }
        }
        return items;
    }

    /** The action and its arguments, for the audit line, in a stable order. */
    private static String describe(String action, Map<String, String> params) {
        Map<String, String> sorted = new TreeMap<>(params);
        sorted.remove("action");
        StringBuilder b = new StringBuilder(String.valueOf(action));
        Function<String, String> clip = s -> s.length() > 200 ? s.substring(0, 200) + "..." : s;
        sorted.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                b.append(' ').append(k).append('=').append(clip.apply(v.replaceAll("[\\r\\n]", " ")));
            }
        });
        return b.toString();
    }
}
