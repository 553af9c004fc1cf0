package io.dwcp.resilience.itests.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The proof of one run: the sender's ledger ({@code sent-<run>.log}: every message's outcome) against
 * the receiver's ({@code delivered.log}: every message its application took, across restarts).
 *
 * <p>It holds when every message has exactly one outcome at its sender, every message acknowledged
 * to the sender was delivered, no message was delivered twice, and nothing was delivered that was not
 * sent. A message that failed at its sender may or may not have been delivered (the sender saw the
 * failure: it knows to find out or send again); both counts are reported.
 */
public final class LedgerCheck {

    public final String run;
    public final int sent;
    public int acked;
    public int failed;
    public int noOutcome;
    public int delivered;
    public int duplicates;
    public int ackedNotDelivered;
    public int failedButDelivered;
    public int unknownDelivered;
    public final Map<String, Integer> failures = new TreeMap<>();
    public final StringBuilder violations = new StringBuilder();

    private LedgerCheck(String run, int sent) {
        this.run = run;
        this.sent = sent;
    }

    /**
     * @param run      the run id
     * @param sent     how many messages the run sent
     * @param sender   the sending node
     * @param receiver the receiving node
     */
    public static LedgerCheck of(String run, int sent, ClusterNode sender, ClusterNode receiver) throws IOException {
        LedgerCheck c = new LedgerCheck(run, sent);
        byte[] outcome = new byte[sent]; // 0 none, 'A' acked, 'F' failed
        for (String line : Files.readAllLines(sender.agentDir().resolve("sent-" + run + ".log"))) {
            String[] w = line.split(" ");
            int seq = Integer.parseInt(w[1]);
            if (outcome[seq] != 0) {
                c.violation("two outcomes for message " + seq);
            }
            outcome[seq] = (byte) w[0].charAt(0);
            if (w[0].equals("A")) {
                c.acked++;
            } else {
                c.failed++;
                c.failures.merge(w[2], 1, Integer::sum);
            }
        }
        int[] deliveries = new int[sent];
        Path delivered = receiver.agentDir().resolve("delivered.log");
        List<String> lines = Files.exists(delivered) ? Files.readAllLines(delivered) : List.of();
        for (String line : lines) {
            String[] w = line.split(" ");
            if (w.length < 4 || !w[0].equals(sender.id()) || !w[1].equals(run)) {
                continue;
            }
            int seq = Integer.parseInt(w[2]);
            if (seq < 0 || seq >= sent) {
                c.unknownDelivered++;
                c.violation("delivered message " + seq + " was never sent");
                continue;
            }
            if (++deliveries[seq] == 2) {
                c.duplicates++;
                c.violation("message " + seq + " delivered twice (" + line + ")");
            }
        }
        for (int seq = 0; seq < sent; seq++) {
            if (deliveries[seq] > 0) {
                c.delivered++;
            }
            if (outcome[seq] == 0) {
                c.noOutcome++;
                c.violation("message " + seq + " has no outcome at its sender");
            } else if (outcome[seq] == 'A' && deliveries[seq] == 0) {
                c.ackedNotDelivered++;
                c.violation("message " + seq + " acknowledged to the sender but never delivered");
            } else if (outcome[seq] == 'F' && deliveries[seq] > 0) {
                c.failedButDelivered++;
            }
        }
        return c;
    }

    private void violation(String what) {
        if (violations.length() < 2000) {
            violations.append("\n  ").append(what);
        }
    }

    public boolean holds() {
        return noOutcome == 0 && duplicates == 0 && ackedNotDelivered == 0 && unknownDelivered == 0 && violations.length() == 0;
    }

    /** One line of totals, as printed per case. */
    public String totals() {
        return String.format("sent %d: acked %d, failed %d (of which delivered anyway %d), delivered %d, "
                + "duplicates %d, acked-not-delivered %d, without outcome %d; failures %s",
                sent, acked, failed, failedButDelivered, delivered, duplicates, ackedNotDelivered, noOutcome, failures);
    }

    @Override
    public String toString() {
        return "run " + run + ": " + totals() + (holds() ? "" : "\nVIOLATIONS:" + violations);
    }
}
