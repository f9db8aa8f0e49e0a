package org.smsexport.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smsexport.ExportType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Every row of the README's performance table in one run: ours against the plain library loop for CSV, XLSX and PDF
 * over students and grades, a tagged PDF/UA report against the same PDF loop ({@code pdf-students-accessible}), our ODS
 * against our XLSX ({@code ods-students}), and CSV students again while a second JVM burns a core ({@code csv-students-loaded}); CSV from PostgreSQL, from the H2 file database and
 * from MariaDB (when the machine has {@code mariadbd}; {@code jdbc-mariadb}) against a bare JDBC read, and from PostgreSQL
 * against the server's own
 * {@code COPY … (FORMAT csv)} into a null sink ({@code jdbc-postgresql-copy}); memory at N
 * and 10 N rows in a 32 MB heap; scaling time(10 N)/time(N); and the first progress of an H2 export. Prints the
 * table, {@code small-jobs} (2,000 exports of 30 rows on PostgreSQL's job store, one node and three worker
 * processes), and, with {@code --json}, writes {@code {"rows","cores","results":[{"work", …}]}}.
 */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Every row of the README's performance table in one run.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "1000000", description = "N: rows of the comparisons and the memory runs; PDF "
            + "and the databases take N/5 and 3N/10, memory and scaling also 10 N (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--runs", defaultValue = "3", description = "Measured pairs per comparison, and runs of each scaling size "
            + "(default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON here.")
    Path json;

    @Override
    public Integer call() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Map<String, Object>> results = new ArrayList<>();
        Path dir = Files.createTempDirectory("sms-export-report");
        int pdfRows = Math.max(1, rows / 5);
        int dbRows = Math.max(1, rows * 3 / 10);
        try {
            for (String format : List.of("csv", "xlsx", "pdf")) {
                for (ExportType type : List.of(ExportType.STUDENTS, ExportType.GRADES)) {
                    int n = format.equals("pdf") ? pdfRows : rows;
                    CompareCommand.Result r = CompareCommand.measure(type, format, n, runs, 1, dir, true);
                    results.add(pair(format + "-" + type.name(), n, n / r.ours().median(), n / r.raw().median()));
                }
            }
            // a tagged PDF/UA report against the same untagged PdfPTable loop
            CompareCommand.Result tagged = CompareCommand.measure(ExportType.STUDENTS, "pdf", Map.of("accessible", "true"), pdfRows, runs,
                    1, dir, true);
            results.add(pair("pdf-students-accessible", pdfRows, pdfRows / tagged.ours().median(), pdfRows / tagged.raw().median()));
            // OpenDocument against our own XLSX (the target the ODS format has), same rows, alternating
            results.add(oursAgainstOurs("ods-students", ExportType.STUDENTS, "ods", "xlsx", rows, runs, dir));
            // the same CSV comparison while a second JVM keeps one core busy, as on a shared server
            Process burner = Burner.start();
            try {
                Thread.sleep(500);
                CompareCommand.Result r = CompareCommand.measure(ExportType.STUDENTS, "csv", rows, runs, 1, dir, true);
                results.add(pair("csv-students-loaded", rows, rows / r.ours().median(), rows / r.raw().median()));
            } finally {
                burner.destroyForcibly().waitFor();
            }
            JdbcCommand.Result pg = JdbcCommand.postgres(dbRows, runs);
            results.add(pair("jdbc-postgresql", dbRows, pg.exportRowsPerSecond(), pg.bareRowsPerSecond()));
            results.add(pair("jdbc-postgresql-copy", dbRows, pg.exportRowsPerSecond(), pg.copyRowsPerSecond()));
            JdbcCommand.Result h2 = JdbcCommand.h2(dbRows, runs, dir);
            results.add(pair("jdbc-h2", dbRows, h2.exportRowsPerSecond(), h2.bareRowsPerSecond()));
            if (org.smsexport.test.MariaDbServer.available()) {
                JdbcCommand.Result maria = JdbcCommand.mariadb(dbRows, runs);
                results.add(pair("jdbc-mariadb", dbRows, maria.exportRowsPerSecond(), maria.bareRowsPerSecond()));
            } else {
                Map<String, Object> m = work("jdbc-mariadb", dbRows);
                m.put("skipped", "MariaDB's server is not installed (apt-get install mariadb-server)");
                results.add(m);
            }
            results.add(memory("memory-csv-1m", "csv", rows));
            results.add(memory("memory-xlsx-1m", "xlsx", rows));
            results.add(memory("memory-pdf-1m", "pdf", rows));
            results.add(memory("memory-csv-10m", "csv", rows * 10L));
            results.add(memory("memory-xlsx-10m", "xlsx", rows * 10L));
            for (String format : List.of("csv", "xlsx", "pdf")) {
                long n = format.equals("pdf") ? pdfRows : rows;
                // the median of --runs runs of each size: one run of 10 N swings with the disk's write-back
                double[] s = ScalingCommand.measure(format, ExportType.STUDENTS, n, runs);
                Map<String, Object> m = work("scaling-" + format, n);
                m.put("small_seconds", Stats.round(s[0]));
                m.put("large_seconds", Stats.round(s[1]));
                m.put("ratio", Stats.round(s[1] / s[0]));
                results.add(m);
            }
            // many small exports: 2,000 at N = 1M (fewer for a small N, as .ci/run runs it)
            results.add(SmallJobs.measure(Math.max(50, Math.min(2_000, rows / 500))));
            Map<String, Object> first = work("first-progress-h2", rows);
            first.put("seconds", Stats.round(JdbcCommand.firstProgressH2(rows, dir)));
            results.add(first);
        } finally {
            Workloads.deleteTree(dir);
        }
        print(cores, results);
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("rows", rows);
            doc.put("cores", cores);
            doc.put("results", results);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
        }
        return 0;
    }

    /**
     * Two of our formats on the same rows, run alternately: {@code <a>_rows_per_second}, {@code <b>_rows_per_second} and
     * their ratio (a ÷ b).
     */
    static Map<String, Object> oursAgainstOurs(String name, ExportType type, String a, String b, int rows, int runs, Path dir) {
        List<Object[]> data = Workloads.generate(type, rows);
        Stats first = new Stats();
        Stats second = new Stats();
        try (org.smsexport.core.ExportService service = Workloads.service(type, data, dir, true)) {
            for (int i = 0; i < runs + 1; i++) {
                System.gc();
                long t0 = System.nanoTime();
                long bytesA = Workloads.ours(service, type, a);
                long t1 = System.nanoTime();
                System.gc();
                long t2 = System.nanoTime();
                long bytesB = Workloads.ours(service, type, b);
                long t3 = System.nanoTime();
                if (i > 0) {
                    first.add(t1 - t0, bytesA);
                    second.add(t3 - t2, bytesB);
                }
            }
        }
        Map<String, Object> m = work(name, rows);
        m.put(a + "_rows_per_second", Math.round(rows / first.median()));
        m.put(b + "_rows_per_second", Math.round(rows / second.median()));
        m.put("ratio", Stats.round(second.median() / first.median()));
        return m;
    }

    private static Map<String, Object> work(String name, long rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("work", name);
        m.put("rows", rows);
        return m;
    }

    private static Map<String, Object> pair(String name, long rows, double ours, double raw) {
        Map<String, Object> m = work(name, rows);
        m.put("ours_rows_per_second", Math.round(ours));
        m.put("raw_rows_per_second", Math.round(raw));
        m.put("ratio", Stats.round(ours / raw));
        return m;
    }

    private static Map<String, Object> memory(String name, String format, long rows) throws Exception {
        Map<String, Object> child = MemoryCommand.measure(format, "students", rows, "32m");
        Map<String, Object> m = work(name, rows);
        boolean ok = "ok".equals(child.get("status"));
        m.put("ok", ok);
        m.put("heap_mb", 32);
        Object rss = child.get("peak_rss_kb");
        m.put("peak_rss_mb", rss instanceof Number ? Math.round(((Number) rss).doubleValue() / 1024) : null);
        m.put("seconds", child.get("seconds"));
        return m;
    }

    private static void print(int cores, List<Map<String, Object>> results) {
        System.out.printf(Locale.ROOT, "| work | rows | ours rows/s | raw rows/s | result |%n|---|---|---|---|---|%n");
        for (Map<String, Object> r : results) {
            String name = (String) r.get("work");
            String result;
            String ours = "";
            String raw = "";
            if (r.containsKey("ours_rows_per_second")) {
                ours = String.format(Locale.ROOT, "%,d", (Long) r.get("ours_rows_per_second"));
                raw = String.format(Locale.ROOT, "%,d", (Long) r.get("raw_rows_per_second"));
                result = String.format(Locale.ROOT, "%.2f×", (Double) r.get("ratio"));
            } else if (r.containsKey("ods_rows_per_second")) {
                ours = String.format(Locale.ROOT, "%,d (ods)", (Long) r.get("ods_rows_per_second"));
                raw = String.format(Locale.ROOT, "%,d (our xlsx)", (Long) r.get("xlsx_rows_per_second"));
                result = String.format(Locale.ROOT, "%.2f×", (Double) r.get("ratio"));
            } else if (name.equals("small-jobs")) {
                result = String.format(Locale.ROOT, "%d jobs of %d rows: %.0f jobs/s on one node, %.0f on three; p50 %.2f s, p95 %.2f s "
                        + "(three nodes: %.2f / %.2f s); steady at %.0f/s: p50 %.2f s, p95 %.2f s", (Integer) r.get("jobs"), (Long) r.get("rows"),
                        (Double) r.get("jobs_per_second_one_node"), (Double) r.get("jobs_per_second_three_nodes"), (Double) r.get("p50_seconds"),
                        (Double) r.get("p95_seconds"), (Double) r.get("p50_seconds_three_nodes"), (Double) r.get("p95_seconds_three_nodes"),
                        (Double) r.get("steady_jobs_per_second"), (Double) r.get("p50_seconds_steady"), (Double) r.get("p95_seconds_steady"));
            } else if (r.containsKey("ok")) {
                result = (Boolean.TRUE.equals(r.get("ok")) ? "ok" : "FAILED") + " in -Xmx" + r.get("heap_mb") + "m, peak RSS "
                        + r.get("peak_rss_mb") + " MB, " + r.get("seconds") + " s";
            } else if (r.containsKey("skipped")) {
                result = "skipped: " + r.get("skipped");
            } else if (name.startsWith("scaling")) {
                result = String.format(Locale.ROOT, "time(10×)/time(1×) = %.2f", (Double) r.get("ratio"));
            } else {
                result = r.get("seconds") + " s";
            }
            System.out.printf(Locale.ROOT, "| %s | %,d | %s | %s | %s |%n", name, ((Number) r.get("rows")).longValue(), ours, raw, result);
        }
        System.out.printf(Locale.ROOT, "%d cores%n", cores);
    }
}
