package org.smsexport.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.scheduler.CatchUp;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.scheduler.ScheduleInfo;
import org.smsexport.scheduler.ScheduleRequest;
import org.smsexport.scheduler.ScheduleRun;

/** What the {@code schedule} and {@code scheduler} commands and the REST API share. */
final class Schedules {

    private Schedules() {
    }

    /** An export service and a scheduler over one database: jobs, schedules and the run ledger side by side. */
    record Session(ExportService exports, ExportScheduler scheduler) implements AutoCloseable {
        @Override
        public void close() {
            scheduler.close();
            exports.close();
        }
    }

    /** A session that manages schedules only: it runs no export, so it creates no export folder. */
    static Session manage(DatabaseOptions database) {
        DataSource db = database.open();
        ExportService exports = database.service(db).dataSource(JdbcDataSource.of(db)).createOutputDirectory(false).build();
        return new Session(exports, ExportScheduler.builder(exports).dataSource(db).build());
    }

    /** A session that runs due schedules, polling at this interval, and tells {@code onRun} of every run it ends. */
    static Session run(DatabaseOptions database, Duration poll, BiConsumer<ExportService, ScheduleRun> onRun) {
        DataSource db = database.open();
        ExportService exports = database.service(db).dataSource(JdbcDataSource.of(db)).build();
        return new Session(exports, ExportScheduler.builder(exports).dataSource(db).pollingInterval(poll)
                .onRun(run -> onRun.accept(exports, run)).build());
    }

    /**
     * @return a request from the command line's or the API's words; every value is checked by the scheduler
     */
    static ScheduleRequest request(String owner, String type, String format, String frequency, String zone,
            Map<String, String> filters, Map<String, String> options, String notify, String catchUp) {
        ScheduleRequest.Builder b = ScheduleRequest.builder(owner, type, format).frequency(frequency).filters(filters)
                .notifyEmail(notify);
        options.forEach(b::option);
        if (zone != null) {
            try {
                b.zone(ZoneId.of(zone));
            } catch (java.time.DateTimeException e) {
                throw new org.smsexport.InvalidRequestException("Time zone '" + zone + "' is unknown; use a region id such as "
                        + "Europe/Athens or UTC.");
            }
        }
        if (catchUp != null) {
            b.catchUp(CatchUp.parse(catchUp));
        }
        return b.build();
    }

    /** @return a schedule as the JSON the CLI prints and the API answers */
    static Map<String, Object> toMap(ScheduleInfo s) {
        ScheduleRequest r = s.request();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("owner", r.owner());
        m.put("export_type", r.type());
        m.put("export_format", r.format());
        m.put("filters", r.filters());
        m.put("notify_email", r.notifyEmail().orElse(null));
        m.put("frequency", r.frequency().text());
        m.put("cron", r.frequency().cron());
        m.put("zone", r.zone().getId());
        m.put("catch_up", r.catchUp().label());
        m.put("paused", s.paused());
        m.put("created_at", s.createdAt().toString());
        m.put("next_fire", s.nextFire().map(t -> iso(t.atZone(r.zone()))).orElse(null));
        m.put("last_run", s.lastRun().map(Schedules::toMap).orElse(null));
        return m;
    }

    /** @return the time with its offset and always with seconds: {@code 2026-11-27T02:30:00+02:00} */
    static String iso(ZonedDateTime t) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
    }

    /** @return the run's status in the case every other status prints in: {@code completed}, {@code skipped} */
    static String status(ScheduleRun run) {
        return run.status().id();
    }

    static Map<String, Object> toMap(ScheduleRun run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slot", run.slot().toString());
        m.put("trigger", run.trigger());
        m.put("status", status(run));
        m.put("job_id", run.jobId().orElse(null));
        m.put("error", run.error().orElse(null));
        m.put("node", run.node());
        return m;
    }
}
