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
import java.util.Set;
import org.smsexport.ExportMetrics;
import org.smsexport.core.internal.PublishedFile;
import org.smsexport.spi.MetricsSink;

/**
 * The default {@link MetricsSink}: one JSON object per finished job, one line each, appended to a file
 * ({@code data/exports/metrics.jsonl} by default) with the original system's field names. Each line is
 * written with a single append-mode write, so lines from several threads or processes never interleave.
 * With a size limit, the file is rotated ({@code metrics.jsonl.1}, {@code .2}, …, the oldest dropped) under
 * an OS file lock, so two processes never rotate at once. The file is kept open between records and opened again when
 * the path names another file (rotated, deleted); {@link #close()} lets it go. Thread-safe.
 */
public final class JsonlMetricsSink implements MetricsSink {


    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final long maxBytes;
    private final int keep;
    /** The file, held open between records; guarded by this. */
    private final org.smsexport.core.internal.HeldFile held;

    /**
     * A sink that never rotates (the original kept metrics indefinitely).
     *
     * @param file the JSONL file; its directory is created when missing
     */
    public JsonlMetricsSink(Path file) {
        this(file, 0, 0);
    }

    /**
     * @param file     the JSONL file; its directory is created when missing
     * @param maxBytes rotate before a line would take the file past this size; 0 never rotates
     * @param keep     how many rotated files to keep ({@code .1} newest)
     */
    public JsonlMetricsSink(Path file, long maxBytes, int keep) {
        if (maxBytes < 0 || keep < 0) {
            throw new IllegalArgumentException("maxBytes and keep must not be negative");
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.held = new org.smsexport.core.internal.HeldFile(file, "metrics file", StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /**
     * @param file the live metrics file
     * @param n    1 for the newest rotated file
     * @return the path of rotated file {@code n}
     */
    public static Path rotated(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private void rotateIfNeeded(int lineLength) throws IOException {
        if (maxBytes == 0 || !Files.exists(file) || Files.size(file) + lineLength <= maxBytes) {
            return;
        }
        Path lock = file.resolveSibling(file.getFileName() + ".lock");
        try (FileChannel ch = org.smsexport.core.internal.OwnFiles.open(lock, "metrics lock file", StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock held = ch.lock();
            try {
                rotateLocked(lineLength);
            } finally {
                held.release();
            }
        }
    }

    private void rotateLocked(int lineLength) throws IOException {
        // another process may have rotated while we waited for the lock
        if (!Files.exists(file) || Files.size(file) + lineLength <= maxBytes) {
            return;
        }
        if (keep == 0) {
            Files.delete(file);
            return;
        }
        Files.deleteIfExists(rotated(file, keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(file, i))) {
                Files.move(rotated(file, i), rotated(file, i + 1));
            }
        }
        Files.move(file, rotated(file, 1));
    }

    @Override
    public void record(ExportMetrics m) {
        byte[] line = toJsonLine(m);
        synchronized (this) {
            try {
                rotateIfNeeded(line.length);
                // created owner-only: the lines name owners and filters, like the exports beside them
                FileChannel ch = held.channel();
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            } catch (IOException e) {
                held.close();
                throw new UncheckedIOException("Appending to metrics file " + file + " failed", e);
            }
        }
    }

    /** Closes the file held open; a later record opens it again. */
    @Override
    public synchronized void close() {
        held.close();
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
