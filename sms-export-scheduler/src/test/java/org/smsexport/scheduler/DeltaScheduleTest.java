package org.smsexport.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smsexport.ExportOutcome;
import org.smsexport.JobId;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.SampleData;
import org.smsexport.jdbc.SmsSchema;

/**
 * A delta schedule on H2 and on a real PostgreSQL: the first run is full, each later one holds what was inserted,
 * changed or soft-deleted since the database's clock when the last successful run started (exactly that with no overlap),
 * a failed run's changes come next, and so does a change committed after a run that could not see it.
 */
class DeltaScheduleTest {

    private static final AtomicInteger DB = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static DataSource database(String kind) throws Exception {
        String name = "delta" + DB.incrementAndGet();
        if (kind.equals("h2")) {
            return JdbcDataSource.driverManager("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
        }
        synchronized (DeltaScheduleTest.class) {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().start();
            }
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return postgres.getDatabase("postgres", name);
    }

    private static void sql(DataSource db, String statement, Object... params) throws Exception {
        Thread.sleep(5); // after the last run's start, by the clock both use
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    /** Runs the schedule now and waits until the ledger has its end; returns the CSV's rows, or null when it failed. */
    private static List<String[]> run(ExportScheduler s, ExportService exports, String id) throws Exception {
        JobId job = s.runNow(id);
        ExportOutcome outcome = exports.completion(job).get(60, TimeUnit.SECONDS);
        Node.await("the ledger to record the run", () -> s.runs(id, 1).get(0).status() != RunStatus.RUNNING);
        if (!(outcome instanceof ExportOutcome.Completed c)) {
            return null;
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(c.file())) {
            rows.add(line.split(",", -1));
        }
        return rows;
    }

    private static String last(String[] row) {
        return row[row.length - 1];
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void eachRunHoldsExactlyTheChangesSinceTheLastSuccessfulOne(String kind) throws Exception {
        DataSource db = database(kind);
        SampleData.load(db, SmsSchema.standard(), 20);
        try (ExportService exports = ExportService.builder().dataSource(JdbcDataSource.of(db)).outputDirectory(dir).build();
                ExportScheduler s = ExportScheduler.builder(exports).dataSource(db).deltaOverlap(java.time.Duration.ZERO).build()) {
            String id = s.schedule(ScheduleRequest.builder("alice", "students", "csv").frequency("daily").option("bom", "false")
                    .delta(true).build());
            assertThat(s.get(id).orElseThrow().request().delta()).isTrue();

            List<String[]> full = run(s, exports, id);
            assertThat(full).as("the first run is full").hasSize(21);
            assertThat(last(full.get(0))).isNotEqualTo("Change");

            sql(db, "UPDATE students SET email = 'changed@uni.example', updated_at = ? WHERE id = 2", now());
            List<String[]> second = run(s, exports, id);
            assertThat(second).hasSize(2);
            assertThat(second.get(1)[0]).isEqualTo("2");
            assertThat(last(second.get(1))).isEqualTo("upsert");

            // a soft delete, then a run that fails: its change is not lost
            sql(db, "UPDATE students SET deleted_at = ? WHERE id = 4", now());
            sql(db, "ALTER TABLE students RENAME TO students_away");
            assertThat(run(s, exports, id)).as("the failed run").isNull();
            sql(db, "ALTER TABLE students_away RENAME TO students");
            sql(db, "INSERT INTO students (student_id, first_name, last_name, is_active, created_at, updated_at) "
                    + "VALUES ('NEW-9', 'Ελένη', 'Νέα', TRUE, ?, ?)", now(), now());

            List<String[]> fourth = run(s, exports, id);
            assertThat(fourth).hasSize(3);
            assertThat(fourth.get(1)[0]).isEqualTo("4");
            assertThat(last(fourth.get(1))).isEqualTo("delete");
            assertThat(fourth.get(2)).contains("NEW-9");
            assertThat(last(fourth.get(2))).isEqualTo("upsert");

            assertThat(run(s, exports, id)).as("nothing changed since").hasSize(1);
            assertThat(s.runs(id, 10)).extracting(ScheduleRun::status).containsExactly(RunStatus.COMPLETED, RunStatus.COMPLETED,
                    RunStatus.FAILED, RunStatus.COMPLETED, RunStatus.COMPLETED);
        }
    }

    /**
     * A transaction that sets {@code updated_at} (its own start time, as {@code now()} gives) and commits only after a
     * delta run read: that run cannot see the row, and the next one must. On PostgreSQL with no overlap at all — the
     * watermark stops at the oldest open transaction; on H2, which does not tell when a transaction began, the default
     * overlap covers it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aChangeCommittedAfterARunThatCouldNotSeeItIsInTheNextRun(String kind) throws Exception {
        DataSource db = database(kind);
        SampleData.load(db, SmsSchema.standard(), 5);
        ExportScheduler.Builder builder;
        try (ExportService exports = ExportService.builder().dataSource(JdbcDataSource.of(db)).outputDirectory(dir).build()) {
            builder = ExportScheduler.builder(exports).dataSource(db);
            if (kind.equals("postgresql")) {
                builder.deltaOverlap(java.time.Duration.ZERO);
            }
            try (ExportScheduler s = builder.build()) {
                String id = s.schedule(ScheduleRequest.builder("alice", "students", "csv").frequency("daily").option("bom", "false")
                        .delta(true).build());
                assertThat(run(s, exports, id)).as("the first run is full").hasSize(6);
                try (Connection late = db.getConnection()) {
                    late.setAutoCommit(false);
                    try (Statement st = late.createStatement()) {
                        st.executeUpdate("UPDATE students SET email = 'late@uni.example', updated_at = CURRENT_TIMESTAMP WHERE id = 3");
                    }
                    List<String[]> during = run(s, exports, id);
                    assertThat(during).as("the run cannot see an uncommitted change").noneMatch(r -> List.of(r).contains("late@uni.example"));
                    late.commit();
                }
                List<String[]> after = run(s, exports, id);
                assertThat(after).as("the next run has it").anyMatch(r -> r[0].equals("3") && List.of(r).contains("late@uni.example")
                        && last(r).equals("upsert"));
            }
        }
    }
}
