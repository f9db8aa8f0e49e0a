package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import org.smsexport.test.Await;
import org.smsexport.test.PostgresLocks;

/**
 * An export whose query waits on a lock another session holds (PostgreSQL's {@code LOCK TABLE … IN ACCESS EXCLUSIVE
 * MODE}): a cancel or the job's timeout cancels the statement, so the job ends at once and no query of ours is left
 * waiting in the database.
 */
class BlockedQueryTest {

    @TempDir
    Path dir;

    @Test
    void aCancelStopsAQueryBlockedOnALock() throws Exception {
        DataSource db = Databases.POSTGRESQL.fresh();
        SampleData.load(db, SmsSchema.standard(), 200);
        try (Connection locker = db.getConnection(); Connection watcher = db.getConnection();
                ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(JdbcDataSource.of(db)).maxRecords(0)
                        .build()) {
            int lockerPid = PostgresLocks.lock(locker, "students");
            ExportJob job = exports.submit(ExportRequest.builder().type("students").format("csv").owner("alice").build());
            Await.until("the export's queries wait on the lock", () -> PostgresLocks.waiting(watcher, lockerPid) > 0);
            long asked = System.nanoTime();
            assertThat(exports.cancel(job.id())).isTrue();
            ExportOutcome outcome = exports.completion(job.id()).get(30, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - asked);
            assertThat(outcome.job().status()).isEqualTo(JobStatus.CANCELLED);
            assertThat(outcome.job().errorMessage()).contains("Cancelled by request.");
            Await.until("no query of ours waits in the database", () -> PostgresLocks.waiting(watcher, lockerPid) == 0);
            assertThat(took).as("ended once the statement was cancelled, not when the lock went").isLessThan(Duration.ofSeconds(10));
            locker.rollback();
        }
    }

    @Test
    void aTimeoutStopsAQueryBlockedOnALock() throws Exception {
        DataSource db = Databases.POSTGRESQL.fresh();
        SampleData.load(db, SmsSchema.standard(), 200);
        try (Connection locker = db.getConnection(); Connection watcher = db.getConnection();
                ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(JdbcDataSource.of(db)).maxRecords(0)
                        .jobTimeout(Duration.ofSeconds(1)).build()) {
            int lockerPid = PostgresLocks.lock(locker, "grades");
            ExportOutcome outcome = exports.completion(exports.submit(ExportRequest.builder().type("grades").format("csv").owner("alice")
                    .build()).id()).get(30, TimeUnit.SECONDS);
            assertThat(outcome.job().status()).isEqualTo(JobStatus.FAILED);
            assertThat(outcome.job().errorMessage().orElseThrow()).contains("timed out");
            Await.until("no query of ours waits in the database", () -> PostgresLocks.waiting(watcher, lockerPid) == 0);
            locker.rollback();
        }
    }
}
