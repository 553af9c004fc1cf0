package io.dwcp.resilience.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    @Test
    void durationsAsOperatorsTypeThem() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s", "--for"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m", "--for"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h", "--for"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m", "--for"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms", "--for"));
        assertEquals(Duration.ofDays(2), Durations.parse("2d", "--for"));
    }

    @Test
    void aBadDurationNamesTheOptionAndTheValue() {
        UsageException e = assertThrows(UsageException.class, () -> Durations.parse("5x", "--for"));
        assertTrue(e.getMessage().contains("--for '5x'"), e.getMessage());
        assertThrows(UsageException.class, () -> Durations.parse("0s", "--for"));
        assertThrows(UsageException.class, () -> Durations.parse("-5s", "--for"));
        assertThrows(UsageException.class, () -> Durations.parse("5", "--for"));
        assertThrows(UsageException.class, () -> Durations.parse("", "--for"));
    }

    @Property
    void formattedDurationsParseBack(@ForAll @LongRange(min = 1, max = 10_000_000) long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        assertEquals(d, Durations.parse(Durations.format(d), "--for"));
    }

    @Test
    void optionsAndPositionals() {
        Args a = Args.parse(new String[] { "arm", "--for", "5m", "--probability=0.1", "--injectors", "latency,error:2" },
                Set.of("for", "probability", "injectors"));
        assertEquals(List.of("arm"), a.positionals());
        assertEquals(Duration.ofMinutes(5), a.duration("for", null));
        assertEquals(0.1, a.number("probability", 0, 1));
        assertEquals(List.of("latency", "error:2"), a.list("injectors"));
    }

    @Test
    void unknownOptionsMissingValuesAndStrayArgumentsAreRefused() {
        assertTrue(assertThrows(UsageException.class, () -> Args.parse(new String[] { "--fro", "5m" }, Set.of("for")))
                .getMessage().contains("unknown option --fro"));
        assertTrue(assertThrows(UsageException.class, () -> Args.parse(new String[] { "--for" }, Set.of("for")))
                .getMessage().contains("needs a value"));
        assertTrue(assertThrows(UsageException.class, () -> Args.parse(new String[] { "a", "b" }, Set.of()).expect(0, 1))
                .getMessage().contains("unexpected argument 'b'"));
        assertTrue(assertThrows(UsageException.class,
                () -> Args.parse(new String[] { "--probability", "1.5" }, Set.of("probability")).number("probability", 0, 1))
                .getMessage().contains("outside [0, 1]"));
    }

    @Test
    void aGlobTheShellExpandedIsRefusedNotTakenAsAName() {
        // what Gogo passes for `dwcp:degrade auto --component *` typed in a folder holding conf/ and data/
        UsageException e = assertThrows(UsageException.class, () -> Args.parse(
                new Object[] { "auto", "--component", List.of("conf", "data") }, Set.of("component")));
        assertTrue(e.getMessage().contains("expanded an unquoted * or ? into 2 file names"), e.getMessage());
        assertTrue(e.getMessage().contains("quote the argument"), e.getMessage());
        // quoted, it arrives as the text itself
        assertEquals("*", Args.parse(new Object[] { "auto", "--component", "*" }, Set.of("component")).option("component"));
    }

    @Test
    void tablesAlignTextLeftAndFiguresRight() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Table("operation", ">calls").row("send", 5).row("consensus", 12345).print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(String.join(System.lineSeparator(),
                "operation  calls",
                "---------  -----",
                "send           5",
                "consensus  12345", ""), bytes.toString(StandardCharsets.UTF_8));
    }
}
