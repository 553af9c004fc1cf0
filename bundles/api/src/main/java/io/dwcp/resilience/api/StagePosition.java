package io.dwcp.resilience.api;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a stage kind beyond the built-in seven sits in a chain: directly before or after one of the
 * {@link StageKind}s, stated by its provider in the {@link Stage#POSITION} service property as
 * {@code before:<kind>} or {@code after:<kind>} (e.g. {@code after:chaos}).
 *
 * <p>The built-in kinds keep their order; a custom kind goes into the gap its position names.
 * Within one gap, {@code after:x} kinds come before {@code before:y} kinds (each hugs its anchor),
 * and kinds with the same position are ordered by their id, so the order is the same in every
 * container whatever order the services were registered in. {@link #SLOT_ORDER} is that order.
 *
 * @param anchor the built-in kind the custom kind is placed next to
 * @param after  {@code true} for directly after (inside) the anchor, {@code false} for directly
 *               before (outside) it
 * @since 1.3
 */
public record StagePosition(StageKind anchor, boolean after) {

    /** What a custom kind's id may look like: lower-case words joined by '-', as the built-in ids. */
    private static final Pattern KIND_ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    /** Checks the anchor. */
    public StagePosition {
        Objects.requireNonNull(anchor, "anchor");
    }

    /** @return the position directly before (outside) {@code kind} */
    public static StagePosition before(StageKind kind) {
        return new StagePosition(kind, false);
    }

    /** @return the position directly after (inside) {@code kind} */
    public static StagePosition after(StageKind kind) {
        return new StagePosition(kind, true);
    }

    /**
     * @param value {@code before:<kind>} or {@code after:<kind>}, a built-in kind's id; case and
     *              blanks around the parts do not matter
     * @return the position
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static StagePosition parse(String value) {
        String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        int colon = text.indexOf(':');
        String where = colon < 0 ? "" : text.substring(0, colon).trim();
        String kind = colon < 0 ? "" : text.substring(colon + 1).trim();
        if (!where.equals("before") && !where.equals("after")) {
            throw new IllegalArgumentException("stage position '" + value
                    + "' is not before:<kind> or after:<kind>, e.g. after:chaos");
        }
        StageKind anchor = StageKind.fromId(kind).orElseThrow(() -> new IllegalArgumentException("stage position '"
                + value + "' names '" + kind + "', not a built-in kind: expected one of "
                + java.util.Arrays.toString(StageKind.values())));
        return new StagePosition(anchor, where.equals("after"));
    }

    /**
     * @param id a proposed id for a custom stage kind
     * @throws IllegalArgumentException when it is not lower-case words joined by '-', or is a built-in id
     */
    public static String validateKindId(String id) {
        if (id == null || !KIND_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("stage kind '" + id
                    + "' is not lower-case letters and digits in words joined by '-', e.g. fallback");
        }
        if (StageKind.fromId(id).isPresent()) {
            throw new IllegalArgumentException("stage kind '" + id + "' is built in; its slot cannot be moved");
        }
        return id;
    }

    /**
     * The slot's place in a chain: lower is outer. A built-in kind's rank lies between the ranks of
     * the positions before and after it.
     *
     * @return {@code 3 * anchor.ordinal()}, {@code + 2} when after the anchor
     */
    public int rank() {
        return 3 * anchor.ordinal() + (after ? 2 : 0);
    }

    /** @return the rank of a built-in kind's own slot, between {@code before(kind)} and {@code after(kind)} */
    public static int rankOf(StageKind kind) {
        return 3 * kind.ordinal() + 1;
    }

    /** @return {@code before:<kind>} or {@code after:<kind>}, as {@link #parse} reads it */
    @Override
    public String toString() {
        return (after ? "after:" : "before:") + anchor.id();
    }
}
