package org.smsexport.spring.boot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.smsexport.JobFilter;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.scheduler.ExportScheduler;

/**
 * What Actuator's {@code smsExport} health component says, the same on every Boot line (each starter adapts it to its
 * line's health API): UP when the output directory is writable, the queue is below its capacity and (when this node
 * runs schedules) the scheduler is running; details: running, queued, capacity, scheduler, outputWritable.
 */
public final class SmsExportHealth {

    /**
     * One look at the service.
     *
     * @param up      whether it is healthy
     * @param details what the component shows to those who may see details
     */
    public record Check(boolean up, Map<String, Object> details) {
        /** Copies the details. */
        public Check {
            details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    private final ExportService exports;
    private final ExportScheduler scheduler;
    private final boolean schedulerExpected;

    SmsExportHealth(ExportService exports, ExportScheduler scheduler, boolean schedulerExpected) {
        this.exports = exports;
        this.scheduler = scheduler;
        this.schedulerExpected = schedulerExpected;
    }

    /** @return the service's health now */
    public Check check() {
        Path out = exports.config().outputDirectory();
        long running = exports.countJobs(JobFilter.all().withStatuses(JobStatus.RUNNING));
        long queued = exports.countJobs(JobFilter.all().withStatuses(JobStatus.PENDING));
        int capacity = exports.config().queueCapacity();
        boolean writable = Files.isDirectory(out) && Files.isWritable(out);
        String schedulerState = scheduler == null ? "absent" : scheduler.isAvailable() ? "running" : "stopped";
        boolean up = writable && queued < capacity && (!schedulerExpected || "running".equals(schedulerState));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("running", running);
        details.put("queued", queued);
        details.put("capacity", capacity);
        details.put("scheduler", schedulerState);
        details.put("outputWritable", writable);
        return new Check(up, details);
    }
}
