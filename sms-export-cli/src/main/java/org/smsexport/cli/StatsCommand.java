package org.smsexport.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smsexport.InvalidRequestException;
import org.smsexport.core.PerformanceMonitor;
import org.smsexport.core.PerformanceStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Performance statistics from the metrics file, as the original's monitor reported them. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Export performance over the last days, from the metrics file.")
final class StatsCommand extends Common implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--days", defaultValue = "7", description = "Days back (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--type", description = "Only this export type.")
    String type;

    @Option(names = "--metrics", paramLabel = "FILE", description = "The metrics file (default: metrics.jsonl in the export "
            + "folder, see --out).")
    Path metrics;

    @picocli.CommandLine.Mixin
    DatabaseOptions database;

    /** The file to read: the option, else the one in the export folder every command uses. */
    static Path metricsFile(Path option, DatabaseOptions database) {
        Path p = option != null ? option : database.metricsFile();
        if (!Files.exists(p)) {
            throw new InvalidRequestException("No metrics file at " + p.toAbsolutePath() + (option != null ? "."
                    : "; run an export first, or pass --out DIR or --metrics FILE."));
        }
        return p;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (type != null) {
            builtInType(type);
        }
        PerformanceStats s = new PerformanceMonitor(metricsFile(metrics, database), Clock.systemUTC()).performanceStats(Optional.ofNullable(type),
                days);
        if (json) {
            printJson(out, s.toMap());
            return 0;
        }
        out.printf(Locale.ROOT, "Exports in the last %d days%s: %,d (%,d completed, %,d failed, %,d cancelled)%n", days,
                type == null ? "" : " of " + type, s.totalExports(), s.successful(), s.failed(), s.cancelled());
        if (s.totalExports() > 0) {
            out.printf(Locale.ROOT, "Success rate: %.1f%%%n", 100.0 * s.successful() / s.totalExports());
        }
        out.printf(Locale.ROOT, "Avg duration: %.2f s   Avg throughput: %,.0f rows/s   Avg size: %.2f MB%n", s.avgDurationSeconds(),
                s.avgRecordsPerSecond(), s.avgFileSizeMb());
        out.printf(Locale.ROOT, "Total: %,d records, %.2f MB%n", s.totalRecordsProcessed(), s.totalFileSizeMb());
        for (Map.Entry<String, PerformanceStats.FormatPercentiles> e : new java.util.TreeMap<>(s.byFormat()).entrySet()) {
            PerformanceStats.FormatPercentiles p = e.getValue();
            out.printf(Locale.ROOT, "  %-5s %,6d exports  duration p50 %.2f s p95 %.2f s   throughput p50 %,.0f p95 %,.0f rows/s%n",
                    e.getKey(), s.exportsByFormat().getOrDefault(e.getKey(), 0L), p.p50DurationSeconds(), p.p95DurationSeconds(),
                    p.p50RecordsPerSecond(), p.p95RecordsPerSecond());
        }
        if (s.corruptLines() > 0) {
            spec.commandLine().getErr().printf(Locale.ROOT, "warning: %,d corrupt lines skipped%n", s.corruptLines());
        }
        return 0;
    }
}
