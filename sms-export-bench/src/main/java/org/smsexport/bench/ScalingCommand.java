package org.smsexport.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** time(1M rows) / time(100k rows) for one format: linear is 10. */
@Command(name = "scaling", mixinStandardHelpOptions = true, description = "Report time(1M)/time(100k); linear scaling is 10.")
final class ScalingCommand implements Callable<Integer> {

    @Option(names = "--format", required = true, description = "csv, xlsx or pdf")
    String format;

    @Option(names = "--type", defaultValue = "students", description = "Export type (default ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--small", defaultValue = "100000", description = "Rows of the small run (default ${DEFAULT-VALUE}).")
    long small;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each size; the median counts (default ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public Integer call() throws Exception {
        ExportType t = ExportType.builtIn(type).orElseThrow(() -> new IllegalArgumentException("Unknown type " + type));
        long large = small * 10;
        double[] ab = measure(format, t, small, runs);
        double a = ab[0];
        double b = ab[1];
        System.out.printf(Locale.ROOT, "{\"format\":\"%s\",\"type\":\"%s\",\"small_rows\":%d,\"large_rows\":%d,\"small_seconds\":%.3f,"
                + "\"large_seconds\":%.3f,\"ratio\":%.2f}%n", format, type, small, large, a, b, b / a);
        return 0;
    }

    /** @return the median seconds of {@code small} rows and of ten times as many, after a warm-up */
    static double[] measure(String format, ExportType t, long small, int runs) throws java.io.IOException {
        Path dir = Files.createTempDirectory("sms-export-scaling");
        try {
            time(format, t, small, dir, 2); // warm-up
            return new double[] {time(format, t, small, dir, runs), time(format, t, small * 10, dir, runs)};
        } finally {
            Workloads.deleteTree(dir);
        }
    }

    private static double time(String format, ExportType t, long rows, Path dir, int n) {
        double[] s = new double[n];
        try (ExportService service = Workloads.service(t, new Lazy(t, rows), dir)) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                Workloads.ours(service, t, format);
                s[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        java.util.Arrays.sort(s);
        return s[n / 2];
    }
}
