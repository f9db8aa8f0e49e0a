package org.smsexport.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.smsexport.ExportMetrics;
import org.smsexport.spi.MetricsSink;

/**
 * The default {@link MetricsSink}: one JSON object per finished job, one line each, appended to a file
 * ({@code data/exports/metrics.jsonl} by default) with the original system's field names. Each line is
 * written with a single append-mode write, so lines from several threads or processes never interleave.
 * Thread-safe.
 */
public final class JsonlMetricsSink implements MetricsSink {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    /**
     * @param file the JSONL file; its directory is created when missing
     */
    public JsonlMetricsSink(Path file) {
        this.file = file;
    }

    /** @return the file lines are appended to */
    public Path file() {
        return file;
    }

    @Override
    public void record(ExportMetrics m) {
        byte[] line = toJsonLine(m);
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Appending to metrics file " + file + " failed", e);
        }
    }

    /**
     * @param m a metrics record
     * @return its JSON line, newline included, in UTF-8
     */
    public static byte[] toJsonLine(ExportMetrics m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("export_id", m.exportId().value());
        o.put("export_type", m.exportType());
        o.put("export_format", m.exportFormat());
        o.put("owner", m.owner());
        o.put("start_time", m.startTime().toString());
        o.put("end_time", m.endTime().toString());
        o.put("total_records", m.totalRecords());
        o.put("total_duration_seconds", m.totalDurationSeconds());
        o.put("records_per_second", round2(m.recordsPerSecond()));
        o.put("rows_per_second", round2(m.recordsPerSecond()));
        o.put("file_size_bytes", m.fileSizeBytes());
        o.put("file_size_mb", Math.round(m.fileSizeMb() * 1000) / 1000.0);
        o.put("status", m.status().id());
        o.put("error_message", m.errorMessage().orElse(null));
        o.put("sha256", m.sha256().orElse(null));
        try {
            return (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Metrics record could not be serialized", e);
        }
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @Override
    public String toString() {
        return "JsonlMetricsSink[" + file + "]";
    }
}
