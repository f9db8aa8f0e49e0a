package org.smsexport.cli;

import java.time.Duration;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.smsexport.core.ExportService;
import org.smsexport.scheduler.ExportScheduler;
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
        ExportService exports = database.service(db).dataSource(database.source(db)).createOutputDirectory(false).build();
        return new Session(exports, ExportScheduler.builder(exports).dataSource(db).build());
    }

    /** A session that runs due schedules, polling at this interval, and tells {@code onRun} of every run it ends. */
    static Session run(DatabaseOptions database, Duration poll, BiConsumer<ExportService, ScheduleRun> onRun) {
        DataSource db = database.open();
        ExportService exports = database.service(db).dataSource(database.source(db)).build();
        return new Session(exports, ExportScheduler.builder(exports).dataSource(db).pollingInterval(poll)
                .onRun(run -> onRun.accept(exports, run)).build());
    }
}
