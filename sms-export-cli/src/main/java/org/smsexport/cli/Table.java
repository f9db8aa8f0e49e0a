package org.smsexport.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints results as an aligned table: type, format, rows, size, seconds, rows/s, file. */
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
        int[] widths = new int[8];
        for (String[] l : lines) {
            for (int i = 0; i < 8; i++) {
                widths[i] = Math.max(widths[i], l[i].length());
            }
        }
        for (String[] l : lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                boolean right = i >= 3 && i <= 6;
                String cell = right ? " ".repeat(widths[i] - l[i].length()) + l[i] : l[i] + " ".repeat(widths[i] - l[i].length());
                sb.append(cell).append(i < 7 ? "  " : "");
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
