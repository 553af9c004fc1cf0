package io.dwcp.resilience.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SeriesRingTest {

    @Test
    void keepsTheNewestSamplesOldestFirst() {
        SeriesRing ring = new SeriesRing(3);
        for (int i = 1; i <= 5; i++) {
            ring.add(i * 1000L, i, 0.0, 1.0, 2.0, 3.0);
        }
        Json json = new Json();
        ring.write(json, 0);
        assertEquals("{\"t\":[3000,4000,5000],\"rate\":[3,4,5],\"err\":[0,0,0],\"p50\":[1,1,1],"
                + "\"p95\":[2,2,2],\"p99\":[3,3,3]}", json.toString());
        assertEquals(3, ring.size());
    }

    @Test
    void sendsOnlyWhatThePageDoesNotHaveYet() {
        SeriesRing ring = new SeriesRing(10);
        ring.add(1000, 1, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        ring.add(2000, 2, 0.5, 1.5, 2.5, 3.5);
        Json json = new Json();
        ring.write(json, 1000);
        assertEquals("{\"t\":[2000],\"rate\":[2],\"err\":[0.5],\"p50\":[1.5],\"p95\":[2.5],\"p99\":[3.5]}",
                json.toString());
        Json none = new Json();
        ring.write(none, 2000);
        assertEquals("{\"t\":[],\"rate\":[],\"err\":[],\"p50\":[],\"p95\":[],\"p99\":[]}", none.toString());
    }
}
