package org.smsexport.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smsexport.ExportMetrics;
import org.smsexport.core.PerformanceMonitor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The slowest exports on record. */
@Command(name = "slowest", mixinStandardHelpOptions = true, description = "The slowest exports in the metrics file.")
final class SlowestCommand extends Common implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--limit", defaultValue = "10", description = "How many (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--metrics", paramLabel = "FILE", description = "The metrics file (default: metrics.jsonl in the export "
            + "folder, see --out).")
    Path metrics;

    @picocli.CommandLine.Mixin
    DatabaseOptions database;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (ExportMetrics m : new PerformanceMonitor(StatsCommand.metricsFile(metrics, database), Clock.systemUTC()).slowestExports(limit)) {
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("export_id", m.exportId().value());
                o.put("export_type", m.exportType());
                o.put("export_format", m.exportFormat());
                o.put("status", m.status().id());
                o.put("start_time", m.startTime().toString());
                o.put("total_duration_seconds", m.totalDurationSeconds());
                o.put("total_records", m.totalRecords());
                o.put("records_per_second", Math.round(m.recordsPerSecond()));
                printJson(out, o);
            } else {
                out.printf(Locale.ROOT, "%s  %-11s %-5s %-9s %9.2f s %,12d rows %,12.0f rows/s  %s%n", m.exportId(), m.exportType(),
                        m.exportFormat(), m.status().id(), m.totalDurationSeconds(), m.totalRecords(), m.recordsPerSecond(),
                        m.startTime());
            }
        }
        return 0;
    }
}
