package org.smsexport.core;

import java.nio.file.Path;
import java.time.Instant;
import org.smsexport.JobStatus;

/** A second process appending to the same metrics file, for the concurrent-writers test. */
public final class MetricsWriterMain {

    private MetricsWriterMain() {
    }

    /**
     * @param args the file and how many lines to write
     */
    public static void main(String[] args) {
        JsonlMetricsSink sink = new JsonlMetricsSink(Path.of(args[0]));
        for (int i = 0; i < Integer.parseInt(args[1]); i++) {
            sink.record(PerformanceMonitorTest.metrics("students", "csv", JobStatus.COMPLETED, 1.0, i, i, Instant.now()));
        }
    }
}
