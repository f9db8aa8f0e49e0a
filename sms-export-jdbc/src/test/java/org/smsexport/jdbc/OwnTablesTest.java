package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smsexport.ExportException;
import org.smsexport.ExportJob;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.spi.StoredJob;

/**
 * The library's tables carry a prefix and the host's tables are never changed: the original SMS has an
 * {@code export_jobs} table of its own (integer ids, {@code file_format}, {@code created_by}), which stays as it was;
 * a table of our name that is not ours is refused, naming the setting; our own unprefixed tables of an earlier
 * version are renamed, rows and all.
 */
class OwnTablesTest {

    private static List<String> columns(DataSource db, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
                try (ResultSet rs = c.getMetaData().getColumns(null, null, name, null)) {
                    while (rs.next()) {
                        out.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return out;
    }

    private static void execute(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void theHostsExportJobsTableIsLeftAsItWas(Databases kind) throws Exception {
        DataSource db = kind.fresh();
        // the original SMS's own table of the same purpose
        execute(db, "CREATE TABLE export_jobs (id INTEGER PRIMARY KEY, export_type VARCHAR(50), file_format VARCHAR(10), "
                + "status VARCHAR(20), created_by INTEGER)");
        execute(db, "INSERT INTO export_jobs VALUES (1, 'students', 'excel', 'completed', 7)");
        List<String> before = columns(db, "export_jobs");
        JdbcJobStore store = JdbcJobStore.create(db);
        store.heartbeat(new org.smsexport.ExportNode("n", Instant.now(), Instant.now(), 0, 1));
        JdbcAuditSink.create(db);
        JdbcTemplateStore.create(db);
        assertThat(columns(db, "export_jobs")).as("the host's table, untouched").isEqualTo(before);
        assertThat(columns(db, "sms_export_jobs")).contains("instance_id", "renewed_at");
        assertThat(columns(db, "sms_export_nodes")).contains("last_heartbeat");
        assertThat(columns(db, "sms_export_audit")).contains("prev_hash");
        assertThat(columns(db, "sms_export_templates")).contains("owner_id");
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM export_jobs")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void aTableOfOurNameThatIsNotOursIsRefusedNamingThePrefixSetting(Databases kind) throws Exception {
        DataSource db = kind.fresh();
        execute(db, "CREATE TABLE sms_export_jobs (id INTEGER PRIMARY KEY, note VARCHAR(10))");
        List<String> before = columns(db, "sms_export_jobs");
        assertThatThrownBy(() -> JdbcJobStore.create(db)).isInstanceOf(ExportException.class)
                .hasMessageContaining("sms_export_jobs exists and is not sms-export's").hasMessageContaining("EXPORT_TABLE_PREFIX");
        assertThat(columns(db, "sms_export_jobs")).as("never altered").isEqualTo(before);
        JdbcJobStore other = JdbcJobStore.withPrefix(db, "school_exports_");
        assertThat(other.tablePrefix()).isEqualTo("school_exports_");
        assertThat(columns(db, "school_exports_jobs")).contains("instance_id");
        assertThatThrownBy(() -> JdbcJobStore.withPrefix(db, "Drop Table")).hasMessageContaining("EXPORT_TABLE_PREFIX='Drop Table'");
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void ourTablesOfAnEarlierVersionAreRenamedWithTheirRows(Databases kind) throws Exception {
        DataSource db = kind.fresh();
        // the job table as 0.x made it
        JdbcJobStore legacy = JdbcJobStore.create(db, "export_jobs");
        ExportJob job = ExportJob.builder().id(JobId.random()).type("students").format("csv").status(JobStatus.COMPLETED)
                .createdAt(Instant.now()).updatedAt(Instant.now()).owner("alice").build();
        legacy.insert(StoredJob.of(job, "old", null, 0));
        JdbcJobStore store = JdbcJobStore.create(db);
        assertThat(store.find(job.id())).as("the job, in the renamed table").isPresent();
        assertThat(columns(db, "export_jobs")).as("no table left under the old name").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void nodesStartingTogetherEachFindOrMakeTheTables(Databases kind) throws Exception {
        DataSource db = kind.fresh();
        int nodes = 4;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(nodes);
        try {
            List<java.util.concurrent.Future<?>> started = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                started.add(pool.submit(() -> {
                    go.await();
                    JdbcJobStore store = JdbcJobStore.create(db);
                    store.heartbeat(new org.smsexport.ExportNode("n" + Thread.currentThread().getId(), Instant.now(), Instant.now(), 0, 1));
                    store.auditSink();
                    JdbcTemplateStore.create(db);
                    return null;
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<?> f : started) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(JdbcJobStore.create(db).nodes()).hasSize(nodes);
    }
}
