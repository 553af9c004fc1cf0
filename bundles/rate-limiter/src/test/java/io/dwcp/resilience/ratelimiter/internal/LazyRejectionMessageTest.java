package io.dwcp.resilience.ratelimiter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.resilience.api.RateLimitedException;
import io.dwcp.resilience.api.ResilienceException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A rejection builds its text only when it is read, once, and keeps it across serialisation. */
class LazyRejectionMessageTest {

    @Test
    void theDetailIsBuiltOnFirstReadOnlyAndOnce() {
        AtomicInteger built = new AtomicInteger();
        RateLimitedException e = new RateLimitedException("send", () -> {
            built.incrementAndGet();
            return "adaptive rate 5/s: no permit";
        }, 42);
        assertEquals(0, built.get(), "nothing is formatted when the call is refused");
        assertEquals("send: rate limited: adaptive rate 5/s: no permit", e.getMessage());
        assertEquals("rate limited: adaptive rate 5/s: no permit", e.reason());
        assertEquals("io.dwcp.resilience.api.RateLimitedException: send: rate limited: adaptive rate 5/s: no permit",
                e.toString());
        assertEquals(1, built.get());
        assertEquals(42, e.retryAfterNanos());
        assertEquals(0, e.getStackTrace().length, "a rejection records no stack trace");
    }

    @Test
    void aSerialisedRejectionKeepsItsText() throws Exception {
        RateLimitedException e = new RateLimitedException("send", () -> "concurrency limit 3 reached (aimd)", -1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        ResilienceException back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (ResilienceException) in.readObject();
        }
        assertEquals("send: rate limited: concurrency limit 3 reached (aimd)", back.getMessage());
        assertEquals("send", back.operation());
    }

    @Test
    void theEagerFormKeepsItsText() {
        RateLimitedException e = new RateLimitedException("send", "token bucket 5/s", 7);
        assertEquals("send: rate limited: token bucket 5/s", e.getMessage());
    }
}
