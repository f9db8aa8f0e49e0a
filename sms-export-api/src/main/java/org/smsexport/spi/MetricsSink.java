package org.smsexport.spi;

import org.smsexport.ExportJob;
import org.smsexport.ExportMetrics;

/**
 * Receives the measurements of every finished job. Every sink registered or discovered receives every
 * record (fan-out). A sink that throws is logged at WARN and counted; it never fails the export.
 * Implementations must be thread-safe.
 */
public interface MetricsSink extends AutoCloseable {

    /**
     * @param metrics the measurements of one finished job
     */
    void record(ExportMetrics metrics);

    /**
     * Called when a worker starts a job, for sinks that track running jobs.
     *
     * @param job the job, now RUNNING
     */
    default void started(ExportJob job) {
    }

    /** Flushes and releases resources; called once by the service's {@code close()}. */
    @Override
    default void close() {
    }
}
