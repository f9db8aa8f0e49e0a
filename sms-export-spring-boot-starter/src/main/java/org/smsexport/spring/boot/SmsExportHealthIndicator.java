package org.smsexport.spring.boot;

import java.nio.file.Files;
import java.nio.file.Path;
import org.smsexport.JobFilter;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.scheduler.ExportScheduler;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health {@code smsExport}: UP when the output directory is writable, the queue is below its capacity and (when
 * this node runs schedules) the scheduler is running; details: running, queued, capacity, scheduler.
 */
class SmsExportHealthIndicator extends AbstractHealthIndicator {

    private final ExportService exports;
    private final ExportScheduler scheduler;
    private final boolean schedulerExpected;

    SmsExportHealthIndicator(ExportService exports, ExportScheduler scheduler, boolean schedulerExpected) {
        super("sms-export health check failed");
        this.exports = exports;
        this.scheduler = scheduler;
        this.schedulerExpected = schedulerExpected;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Path out = exports.config().outputDirectory();
        long running = exports.countJobs(JobFilter.all().withStatuses(JobStatus.RUNNING));
        long queued = exports.countJobs(JobFilter.all().withStatuses(JobStatus.PENDING));
        int capacity = exports.config().queueCapacity();
        boolean writable = Files.isDirectory(out) && Files.isWritable(out);
        String schedulerState = scheduler == null ? "absent" : scheduler.isAvailable() ? "running" : "stopped";
        boolean up = writable && queued < capacity && (!schedulerExpected || "running".equals(schedulerState));
        (up ? builder.up() : builder.down()).withDetail("running", running).withDetail("queued", queued).withDetail("capacity", capacity)
                .withDetail("scheduler", schedulerState).withDetail("outputWritable", writable);
    }
}
