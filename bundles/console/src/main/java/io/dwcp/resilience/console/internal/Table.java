package io.dwcp.resilience.console.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An aligned text table: text columns to the left, figures to the right, headers carrying the units
 * so the cells can stay bare numbers.
 */
final class Table {

    private final String[] headers;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param headers column headers; a header starting with '>' is right-aligned (figures), the '>' is not shown
     */
    Table(String... headers) {
        this.headers = new String[headers.length];
        this.rightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            boolean right = headers[i].startsWith(">");
            this.rightAligned[i] = right;
            this.headers[i] = right ? headers[i].substring(1) : headers[i];
        }
    }

    /** Adds a row; missing cells are blank, {@code null} cells show as '-'. */
    Table row(Object... cells) {
        String[] r = new String[headers.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length ? (cells[i] == null ? "-" : cells[i].toString()) : "";
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Prints the header, a rule and the rows, columns two spaces apart. */
    void print(PrintStream out) {
        int[] width = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            width[i] = headers[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        line(out, headers, width);
        String[] rule = new String[headers.length];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        line(out, rule, width);
        for (String[] r : rows) {
            line(out, r, width);
        }
    }

    private void line(PrintStream out, String[] cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append("  ");
            }
            String c = cells[i];
            int pad = width[i] - c.length();
            if (rightAligned[i]) {
                b.append(" ".repeat(pad)).append(c);
            } else {
                b.append(c).append(i == cells.length - 1 ? "" : " ".repeat(pad));
            }
        }
        out.println(b.toString().stripTrailing());
    }
}
