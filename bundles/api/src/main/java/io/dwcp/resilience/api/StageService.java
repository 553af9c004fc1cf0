package io.dwcp.resilience.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The service properties of a stage, as a component property type (like Felix Health Checks'
 * {@code @HealthCheckService}): put it on a DS component that provides {@link Stage} instead of
 * spelling {@code dwcp.stage=...} as raw strings.
 *
 * <pre>
 * &#64;Component(service = Stage.class)
 * &#64;StageService(stage = "circuit-breaker", operation = "send")
 * public class MyBreaker implements Stage { ... }
 * </pre>
 *
 * A configuration's {@code dwcp.operation} overrides {@link #operation()}, as configuration
 * overrides every component property. A stage of a kind of its own states its slot:
 *
 * <pre>
 * &#64;StageService(stage = "audit", stage_position = "after:chaos")
 * </pre>
 *
 * @since 1.2
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface StageService {

    /** Prefix of the property names: the elements below become {@code dwcp.stage} and {@code dwcp.operation}. */
    String PREFIX_ = "dwcp.";

    /** @return the stage kind, the {@link Stage#KIND} property: one of {@link StageKind#id()}, or a kind of its own */
    String stage();

    /** @return the operations protected, the {@link Stage#OPERATION} property; {@code *} for all */
    String[] operation() default { Stage.ANY_OPERATION };

    /**
     * @return the slot of a kind that is not built in, the {@link Stage#POSITION} property
     *         ({@code dwcp.stage.position}), e.g. {@code after:chaos}; empty for a built-in kind
     * @since 1.3
     */
    String stage_position() default "";
}
