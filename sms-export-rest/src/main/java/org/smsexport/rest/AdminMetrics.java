package org.smsexport.rest;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.smsexport.ExportMetrics;
import org.smsexport.JobStatus;
import org.smsexport.core.PerformanceMonitor;

/**
 * The original admin page's {@code ExportMetrics} from the metrics on record, read once, one export at a time: totals,
 * success rate, {@code by_format}, {@code by_entity}, the slowest exports and a daily {@code trend_data}.
 */
final class AdminMetrics {

    private AdminMetrics() {
    }

    /** Sums of one group of exports. */
    private static final class Group {
        long count;
        long ok;
        long failed;
        double seconds;
        long bytes;
        long records;

        void add(ExportMetrics m) {
            count++;
            if (m.status() == JobStatus.COMPLETED || m.status() == JobStatus.ARCHIVED) {
                ok++;
                seconds += m.totalDurationSeconds();
                bytes += m.fileSizeBytes();
                records += m.totalRecords();
            } else if (m.status() == JobStatus.FAILED) {
                failed++;
            }
        }

        double rate() {
            return count == 0 ? 0 : Math.round(ok * 1000.0 / count) / 10.0;
        }

        double avgSeconds() {
            return ok == 0 ? 0 : Math.round(seconds / ok * 1000) / 1000.0;
        }
    }

    /**
     * @param monitor the metrics on record
     * @param days    how many days back
     * @param owner   only this user's exports, or {@code null} for everyone's
     * @param now     the present
     * @param job     an export as the page's ExportJob
     * @return the page's ExportMetrics
     */
    static Map<String, Object> of(PerformanceMonitor monitor, int days, String owner, Instant now,
            Function<ExportMetrics, Map<String, Object>> job) {
        Group all = new Group();
        Map<String, Group> byFormat = new TreeMap<>();
        Map<String, Group> byEntity = new TreeMap<>();
        Map<String, Group> byDay = new TreeMap<>();
        List<ExportMetrics> slowest = new ArrayList<>();
        monitor.each(now.minus(Duration.ofDays(days)), m -> {
            if (owner != null && !owner.equals(m.owner())) {
                return;
            }
            all.add(m);
            byFormat.computeIfAbsent(m.exportFormat(), f -> new Group()).add(m);
            byEntity.computeIfAbsent(m.exportType(), t -> new Group()).add(m);
            byDay.computeIfAbsent(m.endTime().atOffset(ZoneOffset.UTC).toLocalDate().toString(), d -> new Group()).add(m);
            slowest.add(m);
            slowest.sort((a, b) -> b.duration().compareTo(a.duration()));
            if (slowest.size() > 10) {
                slowest.remove(10);
            }
        });
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("total_exports", all.count);
        d.put("successful_exports", all.ok);
        d.put("failed_exports", all.failed);
        d.put("total_records_exported", all.records);
        d.put("average_duration_seconds", all.avgSeconds());
        d.put("success_rate_percent", all.rate());
        Map<String, Object> formats = new LinkedHashMap<>();
        byFormat.forEach((f, g) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", g.count);
            m.put("avg_duration", g.avgSeconds());
            m.put("avg_file_size", g.ok == 0 ? 0 : g.bytes / g.ok);
            m.put("success_rate", g.rate());
            formats.put(f, m);
            if (f.equals("xlsx")) {
                formats.put("excel", m); // the page's name of the format
            }
        });
        d.put("by_format", formats);
        Map<String, Object> entities = new LinkedHashMap<>();
        byEntity.forEach((t, g) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", g.count);
            m.put("avg_duration", g.avgSeconds());
            m.put("total_records", g.records);
            m.put("success_rate", g.rate());
            entities.put(t, m);
        });
        d.put("by_entity", entities);
        d.put("slowest_exports", slowest.stream().map(job).toList());
        List<Map<String, Object>> trend = new ArrayList<>();
        byDay.forEach((day, g) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("date", day);
            m.put("duration_ms", Math.round(g.avgSeconds() * 1000));
            m.put("success_count", g.ok);
            m.put("failure_count", g.failed);
            m.put("record_count", g.records);
            trend.add(m);
        });
        d.put("trend_data", trend);
        d.put("days", days);
        return d;
    }
}
