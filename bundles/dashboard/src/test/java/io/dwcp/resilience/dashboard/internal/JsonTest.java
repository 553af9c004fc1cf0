package io.dwcp.resilience.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void placesCommasAndWritesNestedValues() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("rate", 2.5);
        figures.put("calls", 7L);
        String json = new Json().beginObject().field("a", 1L).field("b", "x").name("c").beginArray().value(1L)
                .value(true).endArray().field("d", figures).field("e", List.of("p", "q")).endObject().toString();
        assertEquals("{\"a\":1,\"b\":\"x\",\"c\":[1,true],\"d\":{\"rate\":2.5,\"calls\":7},\"e\":[\"p\",\"q\"]}", json);
    }

    @Test
    void nonFiniteNumbersBecomeNullAndWholeDoublesLoseTheirPoint() {
        String json = new Json().beginArray().value(Double.NaN).value(Double.POSITIVE_INFINITY).value(3.0)
                .value(0.25).endArray().toString();
        assertEquals("[null,null,3,0.25]", json);
    }

    @Test
    void escapesWhatCouldBreakTheStringOrAScriptElement() {
        String json = new Json().value("a\"b\\c\nd</script>\u0001").toString();
        assertEquals("\"a\\\"b\\\\c\\nd\\u003c/script>\\u0001\"", json);
    }
}
