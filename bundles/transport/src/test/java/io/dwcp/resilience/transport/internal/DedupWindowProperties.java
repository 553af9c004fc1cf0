package io.dwcp.resilience.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.dwcp.resilience.transport.internal.DedupWindow.State;
import io.dwcp.resilience.transport.internal.DedupWindow.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link DedupWindow} (a ring and an open-addressing table of primitives) against a reference model
 * written the obvious way: the remembered ids in a {@link LinkedHashMap} in insertion order, the
 * reply handles in a {@link HashMap}, the newest forgotten id. Random operation sequences over a
 * small id range (so ids repeat: retries, resends racing originals, ids arriving out of order, ids
 * below the window: stale), small capacities (so the window is full and forgets all the time) and
 * resizes; after every step every observable answer of the window for every id of the range is the
 * model's.
 */
class DedupWindowProperties {

    /** The window's semantics, with boxed collections: what DedupWindow was before it went primitive. */
    static final class Model {
        final LinkedHashMap<Long, State> states = new LinkedHashMap<>();
        final Map<Long, Object> handles = new HashMap<>();
        int capacity;
        long forgottenMax = Long.MIN_VALUE;

        Model(int capacity) {
            this.capacity = capacity;
        }

        Verdict check(long id) {
            if (states.containsKey(id)) {
                return Verdict.DUPLICATE;
            }
            return id <= forgottenMax ? Verdict.STALE : Verdict.NEW;
        }

        void record(long id, State state) {
            if (states.containsKey(id)) {
                states.put(id, state); // stays where it was in the order
                return;
            }
            if (states.size() == capacity) {
                forgetOldest();
            }
            states.put(id, state);
        }

        private void forgetOldest() {
            Iterator<Long> it = states.keySet().iterator();
            long oldest = it.next();
            it.remove();
            handles.remove(oldest);
            forgottenMax = Math.max(forgottenMax, oldest);
        }

        void set(long id, State state) {
            states.replace(id, state);
            if (state == State.CONFIRMED || state == State.IN_DOUBT) {
                handles.remove(id);
            }
        }

        void handle(long id, Object handle) {
            if (states.containsKey(id) && handle != null) {
                handles.put(id, handle);
            }
        }

        void resize(int next) {
            capacity = next;
            while (states.size() > capacity) {
                forgetOldest();
            }
        }

        void replayTaken(long id) {
            if (!states.containsKey(id) && id > forgottenMax) {
                record(id, State.TAKEN);
            }
        }

        void replayConfirmed(long id) {
            if (states.containsKey(id)) {
                states.put(id, State.CONFIRMED);
            } else if (id > forgottenMax) {
                record(id, State.CONFIRMED);
            }
        }

        long takenBecomeInDoubt() {
            long n = 0;
            for (Map.Entry<Long, State> e : states.entrySet()) {
                if (e.getValue() == State.TAKEN) {
                    e.setValue(State.IN_DOUBT);
                    n++;
                }
            }
            handles.clear();
            return n;
        }
    }

    /** One step: what to do, to which id (an offset into the range), with which argument. */
    record Step(int op, int id, int arg) {
    }

    private static final int OPS = 11;

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.integers().between(0, OPS - 1), Arbitraries.integers().between(0, 63),
                Arbitraries.integers().between(0, 1000)).as(Step::new).list().ofMinSize(1).ofMaxSize(400);
    }

    @Provide
    Arbitrary<Long> bases() {
        // ids near zero, near both ends of the long range (the forgotten bound starts at Long.MIN_VALUE) and anywhere
        return Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.just(Long.MIN_VALUE), Arbitraries.just(Long.MAX_VALUE - 63),
                Arbitraries.longs());
    }

    @Property(tries = 1000)
    void behavesAsTheModel(@ForAll @IntRange(min = 1, max = 24) int capacity, @ForAll("bases") long base,
            @ForAll @IntRange(min = 1, max = 64) int range, @ForAll("steps") List<Step> steps) {
        DedupWindow w = new DedupWindow(capacity);
        Model m = new Model(capacity);
        Object[] handles = {new Object(), new Object(), new Object()};
        List<String> trace = new ArrayList<>();
        for (Step s : steps) {
            long id = base + s.id() % range;
            switch (s.op()) {
                case 0, 1, 2 -> { // an arriving message, as InboundQueue.offer uses the window
                    trace.add("offer " + id);
                    assertSame(m.check(id), w.check(id), trace::toString);
                    if (w.check(id) == Verdict.NEW) {
                        w.record(id);
                        m.record(id, State.QUEUED);
                        Object h = s.arg() % 4 == 0 ? null : handles[s.arg() % 3];
                        w.handle(id, h);
                        m.handle(id, h);
                    } else {
                        Object h = handles[s.arg() % 3];
                        w.handle(id, h);
                        m.handle(id, h);
                    }
                }
                case 3, 4 -> {
                    State st = State.values()[s.arg() % State.values().length];
                    trace.add("set " + id + " " + st);
                    w.set(id, st);
                    m.set(id, st);
                }
                case 5 -> {
                    int next = 1 + s.arg() % 24;
                    trace.add("resize " + next);
                    w.resize(next);
                    m.resize(next);
                }
                case 6 -> {
                    trace.add("replayTaken " + id);
                    w.replayTaken(id);
                    m.replayTaken(id);
                }
                case 7 -> {
                    trace.add("replayConfirmed " + id);
                    w.replayConfirmed(id);
                    m.replayConfirmed(id);
                }
                case 8 -> {
                    trace.add("forgetUpTo " + id);
                    w.forgetUpTo(id);
                    m.forgottenMax = Math.max(m.forgottenMax, id);
                }
                case 9 -> {
                    if (s.arg() % 10 == 0) {
                        trace.add("takenBecomeInDoubt");
                        assertEquals(m.takenBecomeInDoubt(), w.takenBecomeInDoubt(), trace::toString);
                    }
                }
                default -> { // an id far outside the range: a sender's counter jumping ahead
                    long far = base + range + s.arg();
                    trace.add("offer far " + far);
                    if (w.check(far) == Verdict.NEW) {
                        w.record(far);
                        m.record(far, State.QUEUED);
                    }
                }
            }
            assertSameAnswers(w, m, base, range, trace);
        }
    }

    /** A larger window, so the table is large and its probe chains long, with ids of a sender's sparse counter. */
    @Property(tries = 50)
    void aLargeWindowOverSparseIds(@ForAll @IntRange(min = 100, max = 3000) int capacity,
            @ForAll("sparse") List<Long> ids) {
        DedupWindow w = new DedupWindow(capacity);
        Model m = new Model(capacity);
        for (long id : ids) {
            Verdict v = m.check(id);
            assertSame(v, w.check(id));
            if (v == Verdict.NEW) {
                w.record(id);
                m.record(id, State.QUEUED);
            } else if (v == Verdict.DUPLICATE) {
                w.set(id, State.CONFIRMED);
                m.set(id, State.CONFIRMED);
            }
        }
        assertEquals(m.states.size(), w.size());
        for (Map.Entry<Long, State> e : m.states.entrySet()) {
            assertSame(e.getValue(), w.state(e.getKey()));
        }
        for (long id : ids) {
            assertSame(m.check(id), w.check(id));
        }
    }

    @Provide
    Arbitrary<List<Long>> sparse() {
        // mostly rising with gaps (the sender's one counter serves all its peers), some resends of recent ids
        return Arbitraries.integers().between(-50, 40).list().ofMinSize(100).ofMaxSize(5000).map(deltas -> {
            List<Long> out = new ArrayList<>();
            long next = 1_796_298_041_333_003L;
            for (int d : deltas) {
                if (d < 0 && !out.isEmpty()) {
                    out.add(out.get(Math.max(0, out.size() + d))); // a resend of an id sent up to 50 ids ago
                } else {
                    next += 1 + Math.max(0, d);
                    out.add(next);
                }
            }
            return out;
        });
    }

    private static void assertSameAnswers(DedupWindow w, Model m, long base, int range, List<String> trace) {
        assertEquals(m.states.size(), w.size(), trace::toString);
        for (int i = 0; i < range; i++) {
            long id = base + i;
            assertSame(m.check(id), w.check(id), () -> "check " + id + " after " + trace);
            assertSame(m.states.get(id), w.state(id), () -> "state " + id + " after " + trace);
            assertSame(m.handles.get(id), w.handle(id), () -> "handle " + id + " after " + trace);
        }
        for (State s : State.values()) {
            assertEquals(m.states.values().stream().filter(x -> x == s).count(), w.count(s), () -> "count " + s + " after " + trace);
        }
        // what a compaction writes: the handed-over ids, oldest first
        DedupWindow.HandedOver h = w.handedOver();
        List<String> expected = new ArrayList<>();
        m.states.forEach((id, st) -> {
            if (st != State.QUEUED) {
                expected.add(id + (st == State.CONFIRMED ? " C" : " T"));
            }
        });
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < h.count(); i++) {
            actual.add(h.id(i) + (h.confirmed(i) ? " C" : " T"));
        }
        assertEquals(expected, actual, trace::toString);
        assertEquals(m.forgottenMax != Long.MIN_VALUE, h.forgets(), trace::toString);
        assertEquals(m.forgottenMax, h.forgottenMax(), trace::toString);
    }
}
