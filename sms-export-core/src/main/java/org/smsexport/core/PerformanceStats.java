package org.smsexport.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link PerformanceMonitor#performanceStats} reports: the original system's fields, plus the cancelled
 * count, p50/p95 duration and throughput per format, and how many corrupt lines were skipped. Averages are
 * over completed exports (a failed export's duration says nothing about speed).
 *
 * @param periodDays             the window, in days back from now
 * @param exportType             the type looked at, or empty for all
 * @param totalExports           finished exports in the window
 * @param successful             completed (or since archived)
 * @param failed                 failed
 * @param cancelled              cancelled
 * @param avgDurationSeconds     mean duration of completed exports
 * @param avgRecordsPerSecond    mean throughput of completed exports
 * @param avgFileSizeMb          mean file size of completed exports
 * @param totalRecordsProcessed  records over all completed exports
 * @param totalFileSizeMb        MB over all completed exports
 * @param exportsByFormat        finished exports per format
 * @param byFormat               percentiles per format, of completed exports
 * @param corruptLines           lines skipped because they were not valid metrics
 */
public record PerformanceStats(int periodDays, Optional<String> exportType, long totalExports, long successful, long failed,
        long cancelled, double avgDurationSeconds, double avgRecordsPerSecond, double avgFileSizeMb, long totalRecordsProcessed,
        double totalFileSizeMb, Map<String, Long> exportsByFormat, Map<String, FormatPercentiles> byFormat, long corruptLines) {

    /** Copies the maps. */
    public PerformanceStats {
        exportsByFormat = Map.copyOf(exportsByFormat);
        byFormat = Map.copyOf(byFormat);
    }

    /**
     * Percentiles of one format's completed exports.
     *
     * @param p50DurationSeconds     median duration
     * @param p95DurationSeconds     95th percentile duration
     * @param p50RecordsPerSecond    median throughput
     * @param p95RecordsPerSecond    95th percentile throughput
     */
    public record FormatPercentiles(double p50DurationSeconds, double p95DurationSeconds, double p50RecordsPerSecond,
            double p95RecordsPerSecond) {
    }

    /** @return the fields under the original system's snake_case names, for JSON */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("period_days", periodDays);
        m.put("export_type", exportType.orElse(null));
        m.put("total_exports", totalExports);
        m.put("successful", successful);
        m.put("failed", failed);
        m.put("cancelled", cancelled);
        m.put("avg_duration_seconds", round(avgDurationSeconds));
        m.put("avg_records_per_second", round(avgRecordsPerSecond));
        m.put("avg_file_size_mb", round(avgFileSizeMb));
        m.put("total_records_processed", totalRecordsProcessed);
        m.put("total_file_size_mb", round(totalFileSizeMb));
        m.put("exports_by_format", new java.util.TreeMap<>(exportsByFormat));
        Map<String, Object> p = new java.util.TreeMap<>();
        byFormat.forEach((f, v) -> {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("p50_duration_seconds", round(v.p50DurationSeconds()));
            q.put("p95_duration_seconds", round(v.p95DurationSeconds()));
            q.put("p50_records_per_second", round(v.p50RecordsPerSecond()));
            q.put("p95_records_per_second", round(v.p95RecordsPerSecond()));
            p.put(f, q);
        });
        m.put("percentiles_by_format", p);
        m.put("corrupt_lines", corruptLines);
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
