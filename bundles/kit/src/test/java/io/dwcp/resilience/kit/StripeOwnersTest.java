package io.dwcp.resilience.kit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.resilience.testkit.OtherThread;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StripeOwnersTest {

    @Test
    void theFirstThreadOwnsAStripeAnotherLiveThreadNeverAndAnEndedOwnersStripeIsTakenOver() throws Exception {
        StripeOwners owners = new StripeOwners();
        AtomicBoolean otherOwned = new AtomicBoolean();
        try (OtherThread owner = OtherThread.after(() -> otherOwned.set(owners.isMine(1)))) {
            assertTrue(otherOwned.get(), "the first to ask owns the stripe");
            for (int i = 0; i < 5_000; i++) {
                assertFalse(owners.isMine(1), "a live owner's stripe is not mine");
            }
            assertTrue(owners.isMine(0), "a free stripe is mine");
        }
        boolean taken = false;
        for (int i = 0; i < 2_048 && !taken; i++) {
            taken = owners.isMine(1);
        }
        assertTrue(taken, "an ended owner's stripe is taken over within 1024 calls or so");
        assertTrue(owners.isMine(1));
    }
}
