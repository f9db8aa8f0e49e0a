package org.smsexport.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Ours against the raw library loop, alternating A B A B in one JVM over the same generated rows. */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "ExportService.run end to end vs the plain library loop.")
final class CompareCommand implements Callable<Integer> {

    @Option(names = "--format", required = true, description = "csv, xlsx or pdf")
    String format;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "A format option on our side, repeatable (accessible=true).")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--type", defaultValue = "students", description = "Export type (default ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--runs", defaultValue = "5", description = "Measured pairs (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured pairs first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "One JSON line instead of a table.")
    boolean json;

    @Option(names = "--dir", description = "Where files are written (default: a temporary directory).")
    Path dir;

    @Option(names = "--fsync", defaultValue = "true", arity = "1",
            description = "Force our files to disk before publishing, as the service does by default; the raw loop never does "
                    + "(default ${DEFAULT-VALUE}).")
    boolean fsync;

    /** The two sides' times. */
    record Result(Stats ours, Stats raw) {
    }

    /** Ours and the raw loop alternating over the same rows, {@code warmup} unmeasured pairs first. */
    static Result measure(ExportType t, String format, int rows, int runs, int warmup, Path out, boolean fsync) {
        return measure(t, format, Map.of(), rows, runs, warmup, out, fsync);
    }

    /** The comparison with format options on our side (the raw loop has none). */
    static Result measure(ExportType t, String format, Map<String, String> options, int rows, int runs, int warmup, Path out,
            boolean fsync) {
        List<Object[]> data = Workloads.generate(t, rows);
        Stats ours = new Stats();
        Stats raw = new Stats();
        try (ExportService service = Workloads.service(t, data, out, fsync)) {
            for (int i = 0; i < warmup + runs; i++) {
                // each side starts from a collected heap: the garbage one side leaves (the raw loop's Strings) is
                // collected, concurrently, on the other side's time otherwise
                System.gc();
                long t0 = System.nanoTime();
                long oursBytes = Workloads.ours(service, t, format, options);
                long t1 = System.nanoTime();
                System.gc();
                long t2 = System.nanoTime();
                long rawBytes = Workloads.raw(format, t, data, out);
                long t3 = System.nanoTime();
                if (i >= warmup) {
                    ours.add(t1 - t0, oursBytes);
                    raw.add(t3 - t2, rawBytes);
                }
            }
        }
        return new Result(ours, raw);
    }

    @Override
    public Integer call() throws Exception {
        ExportType t = ExportType.builtIn(type).orElseThrow(() -> new IllegalArgumentException("Unknown type " + type));
        Path out = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("sms-export-bench");
        Result r;
        try {
            r = measure(t, format, options, rows, runs, warmup, out, fsync);
        } finally {
            if (dir == null) {
                Workloads.deleteTree(out);
            }
        }
        Stats ours = r.ours();
        Stats raw = r.raw();
        double ratio = raw.median() / ours.median();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("format", format);
        result.put("type", type);
        result.put("rows", rows);
        result.put("runs", runs);
        result.put("fsync", fsync);
        result.put("ours", ours.json(rows));
        result.put("raw", raw.json(rows));
        result.put("ratio", Stats.round(ratio));
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(result));
        } else {
            System.out.printf(Locale.ROOT, "%s %s, %,d rows, median of %d runs%n", format, type, rows, runs);
            System.out.printf(Locale.ROOT, "  ours %,12d rows/s  (%.3f s, min %.3f, max %.3f, %,d bytes)%n",
                    Math.round(rows / ours.median()), ours.median(), ours.min(), ours.max(), ours.bytes());
            System.out.printf(Locale.ROOT, "  raw  %,12d rows/s  (%.3f s, min %.3f, max %.3f, %,d bytes)%n",
                    Math.round(rows / raw.median()), raw.median(), raw.min(), raw.max(), raw.bytes());
            System.out.printf(Locale.ROOT, "  ratio %.2fx%n", ratio);
        }
        return 0;
    }
}
