package org.smsexport.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;

/** Prints aligned tables: export results (type, format, rows, size, seconds, rows/s, file) or any rows of text. */
final class Table {

    private Table() {
    }

    static void print(PrintWriter out, List<Map<String, Object>> results) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"type", "format", "status", "rows", "size", "seconds", "rows/s", "file"});
        for (Map<String, Object> r : results) {
            lines.add(new String[] {(String) r.get("type"), (String) r.get("format"), (String) r.get("status"),
                String.format(Locale.ROOT, "%,d", (Long) r.get("rows")), Common.size((Long) r.get("bytes")),
                String.format(Locale.ROOT, "%.2f", (Double) r.get("seconds")),
                String.format(Locale.ROOT, "%,d", ((Number) r.get("rows_per_second")).longValue()),
                r.get("file") != null ? Common.relative((String) r.get("file")) : String.valueOf(r.get("error"))});
        }
        print(out, lines, i -> i >= 3 && i <= 6);
    }

    /** Rows of text, the first row's keys as the header, every column left-aligned. */
    static void printRows(PrintWriter out, List<Map<String, Object>> rows) {
        List<String[]> lines = new ArrayList<>();
        lines.add(rows.get(0).keySet().toArray(new String[0]));
        for (Map<String, Object> r : rows) {
            lines.add(r.values().stream().map(String::valueOf).toArray(String[]::new));
        }
        print(out, lines, i -> false);
    }

    private static void print(PrintWriter out, List<String[]> lines, IntPredicate rightAligned) {
        int n = lines.get(0).length;
        int[] widths = new int[n];
        for (String[] l : lines) {
            for (int i = 0; i < n; i++) {
                widths[i] = Math.max(widths[i], l[i].length());
            }
        }
        for (String[] l : lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String pad = " ".repeat(widths[i] - l[i].length());
                sb.append(rightAligned.test(i) ? pad + l[i] : l[i] + pad).append(i < n - 1 ? "  " : "");
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
