package org.smsexport.scheduler.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.smsexport.ExportException;
import org.smsexport.scheduler.CatchUp;
import org.smsexport.scheduler.Frequency;
import org.smsexport.scheduler.RunStatus;
import org.smsexport.scheduler.ScheduleRequest;
import org.smsexport.scheduler.ScheduleRun;

/**
 * The scheduler's own tables, next to db-scheduler's: schedule definitions ({@code sms_export_schedules})
 * and the run ledger ({@code sms_export_schedule_runs}, primary key schedule id + slot), plus the DDL of
 * db-scheduler's task table under our own name. Plain JDBC; one H2/PostgreSQL dialect.
 */
public final class ScheduleStore {

    /** db-scheduler's table with the default prefix, named so it cannot collide with a host's own db-scheduler. */
    public static final String TASK_TABLE = "sms_export_scheduled_tasks";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {
    };

    /** A stored schedule. */
    public record Stored(String id, ScheduleRequest request, boolean paused, Instant createdAt) {
    }

    private final DataSource ds;
    private final org.smsexport.support.SqlDialect dialect;
    /** db-scheduler's table: {@code <prefix>scheduled_tasks}. */
    private final String tasks;
    /** The schedules: {@code <prefix>schedules}. */
    private final String schedules;
    /** The run ledger: {@code <prefix>schedule_runs}. */
    private final String runs;

    public ScheduleStore(DataSource ds) {
        this(ds, org.smsexport.support.OwnTables.DEFAULT_PREFIX);
    }

    /**
     * @param ds     the database
     * @param prefix the prefix of the library's tables ({@code EXPORT_TABLE_PREFIX})
     */
    public ScheduleStore(DataSource ds, String prefix) {
        this.ds = ds;
        this.dialect = org.smsexport.support.SqlDialect.of(ds);
        String p = org.smsexport.support.OwnTables.checkPrefix(prefix);
        this.tasks = p + "scheduled_tasks";
        this.schedules = p + "schedules";
        this.runs = p + "schedule_runs";
    }

    /** @return the database's dialect */
    public org.smsexport.support.SqlDialect dialect() {
        return dialect;
    }

    /** @return db-scheduler's table */
    public String taskTable() {
        return tasks;
    }

    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        for (String t : new String[] {table, table.toUpperCase(java.util.Locale.ROOT)}) {
            for (String col : new String[] {column, column.toUpperCase(java.util.Locale.ROOT)}) {
                // this database only: MariaDB's metadata answers for every database on the server when no catalog is named
                try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), null, t, col)) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Before 0.1 the cleanup ran as an instance of the export task; it has a task of its own now. Writes only when needed. */
    private void migrateCleanupTask(Statement s) throws SQLException {
        String legacy = " FROM " + tasks + " WHERE task_name = 'sms-export-schedule' AND task_instance LIKE 'maintenance_cleanup_%'";
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*)" + legacy)) {
            if (!rs.next() || rs.getLong(1) == 0) {
                return;
            }
        }
        s.executeUpdate("UPDATE " + tasks + " SET task_name = 'sms-export-maintenance'" + legacy.substring(legacy.indexOf(" WHERE")));
    }

    /**
     * @param prefix  the prefix of the library's tables
     * @param dialect the database
     * @return the statements that create the scheduler's tables with that prefix in the database's types, in order
     */
    public static List<String> ddl(String prefix, org.smsexport.support.SqlDialect dialect) {
        String p = org.smsexport.support.OwnTables.checkPrefix(prefix);
        String tasks = p + "scheduled_tasks";
        String ts = dialect.timestamp();
        return List.of("CREATE TABLE IF NOT EXISTS " + tasks + " (task_name VARCHAR(100) NOT NULL, "
                + "task_instance VARCHAR(200) NOT NULL, task_data " + dialect.bytes() + ", execution_time " + ts
                + " NOT NULL, picked BOOLEAN NOT NULL, picked_by VARCHAR(100), last_success " + ts + ", last_failure " + ts
                + ", consecutive_failures INT, last_heartbeat " + ts + ", version BIGINT NOT NULL, priority SMALLINT, "
                + "PRIMARY KEY (task_name, task_instance))",
                "CREATE INDEX IF NOT EXISTS " + tasks + "_exec_idx ON " + tasks + " (execution_time)",
                "CREATE TABLE IF NOT EXISTS " + p + "schedules (id VARCHAR(200) PRIMARY KEY, owner_id VARCHAR(200) NOT NULL, "
                + "export_type VARCHAR(100) NOT NULL, export_format VARCHAR(50) NOT NULL, filters VARCHAR(4000) NOT NULL, "
                + "options VARCHAR(4000) NOT NULL, notify_email VARCHAR(320), frequency VARCHAR(200) NOT NULL, "
                + "zone VARCHAR(64) NOT NULL, catch_up VARCHAR(16) NOT NULL, catch_up_window_seconds BIGINT NOT NULL, "
                + "paused BOOLEAN NOT NULL, fingerprint VARCHAR(64) NOT NULL UNIQUE, created_at " + ts + " NOT NULL, "
                + "template_name VARCHAR(64), delta BOOLEAN DEFAULT FALSE NOT NULL, locale VARCHAR(35))",
                "CREATE TABLE IF NOT EXISTS " + p + "schedule_runs (schedule_id VARCHAR(200) NOT NULL, slot_time " + ts
                + " NOT NULL, run_trigger VARCHAR(16) NOT NULL, node VARCHAR(200) NOT NULL, status VARCHAR(16) NOT NULL, "
                + "job_id VARCHAR(40), error_message VARCHAR(2000), started_at " + ts + " NOT NULL, finished_at " + ts
                + ", changed_since " + ts + ", watermark " + ts + ", PRIMARY KEY (schedule_id, slot_time))");
    }

    /** Creates the three tables if they are missing; safe when several nodes start at once. */
    public void createTables() {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                if (hasColumn(c, tasks, "task_name") && hasColumn(c, runs, "watermark")
                        && hasColumn(c, schedules, "template_name") && hasColumn(c, schedules, "delta")
                        && hasColumn(c, schedules, "locale")) {
                    // all there: no DDL, which on a database shared by running processes waits for their locks
                    migrateCleanupTask(s);
                    return;
                }
                List<String> ddl = ddl(schedules.substring(0, schedules.length() - "schedules".length()), dialect);
                s.execute(ddl.get(0));
                dialect.execute(s, ddl.get(1));
                migrateCleanupTask(s);
                s.execute(ddl.get(2));
                // added with templates: a table of an older build gains it here (DDL only when it is missing)
                if (!hasColumn(c, schedules, "template_name")) {
                    s.execute("ALTER TABLE " + schedules + " ADD COLUMN template_name VARCHAR(64)");
                }
                // added with delta exports
                if (!hasColumn(c, schedules, "delta")) {
                    s.execute("ALTER TABLE " + schedules + " ADD COLUMN delta BOOLEAN DEFAULT FALSE NOT NULL");
                }
                // added with schedules in a language of their own
                if (!hasColumn(c, schedules, "locale")) {
                    s.execute("ALTER TABLE " + schedules + " ADD COLUMN locale VARCHAR(35)");
                }
                s.execute(ddl.get(3));
                if (!hasColumn(c, runs, "changed_since")) {
                    s.execute("ALTER TABLE " + runs + " ADD COLUMN changed_since " + dialect.timestamp());
                }
                // added with watermarks from the database's clock
                if (!hasColumn(c, runs, "watermark")) {
                    s.execute("ALTER TABLE " + runs + " ADD COLUMN watermark " + dialect.timestamp());
                }
                return;
            } catch (SQLException e) {
                if (attempt == 3) {
                    throw failure("Cannot create the scheduler tables", e);
                }
                // another node created them at the same moment; look again
            }
        }
    }

    /** A digest of what makes two schedules the same, so duplicates are refused by a unique key. */
    public static String fingerprint(ScheduleRequest r) {
        // a password (sealed, different at every seal) is no part of what makes two schedules the same
        java.util.Map<String, String> options = new java.util.TreeMap<>(r.options());
        options.keySet().removeAll(java.util.List.of("password", "owner_password"));
        String canonical = String.join("\u0000", r.owner(), r.type(), r.format(), r.filters().toString(), options.toString(),
                r.notifyEmail().orElse(""), r.frequency().text(), r.zone().getId()) + r.template().map(t -> "\u0000template:" + t).orElse("")
                + (r.delta() ? "\u0000delta" : "") + r.locale().map(l -> "\u0000locale:" + l.toLanguageTag()).orElse("");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the id of the schedule with this fingerprint, if one exists */
    public Optional<String> findByFingerprint(String fingerprint) {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id FROM " + schedules + " WHERE fingerprint = ?")) {
            ps.setString(1, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("Cannot read schedules", e);
        }
    }

    /**
     * @return {@code true} when inserted, {@code false} when the id or the fingerprint is taken
     */
    public boolean insert(String id, ScheduleRequest r, String fingerprint, Instant now) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + schedules + " "
                + "(id, owner_id, export_type, export_format, filters, options, notify_email, frequency, zone, catch_up, "
                + "catch_up_window_seconds, paused, fingerprint, created_at, template_name, delta, locale) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, r.owner());
            ps.setString(3, r.type());
            ps.setString(4, r.format());
            ps.setString(5, JSON.writeValueAsString(r.filters()));
            ps.setString(6, JSON.writeValueAsString(r.options()));
            ps.setString(7, r.notifyEmail().orElse(null));
            ps.setString(8, r.frequency().text());
            ps.setString(9, r.zone().getId());
            ps.setString(10, r.catchUp().name());
            ps.setLong(11, r.catchUpWindow().getSeconds());
            ps.setBoolean(12, false);
            ps.setString(13, fingerprint);
            set(ps, 14, now);
            ps.setString(15, r.template().orElse(null));
            ps.setBoolean(16, r.delta());
            ps.setString(17, r.locale().map(java.util.Locale::toLanguageTag).orElse(null));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw failure("Cannot store the schedule", e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Stored> find(String id) {
        List<Stored> found = query("WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** @param owner the owner, or {@code null} for every schedule */
    public List<Stored> list(String owner) {
        return owner == null ? query("ORDER BY id", null) : query("WHERE owner_id = ? ORDER BY id", owner);
    }

    private List<Stored> query(String where, String param) {
        List<Stored> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id, owner_id, export_type, "
                + "export_format, filters, options, notify_email, frequency, zone, catch_up, catch_up_window_seconds, paused, "
                + "created_at, template_name, delta, locale FROM " + schedules + " " + where)) {
            if (param != null) {
                ps.setString(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ScheduleRequest r = new ScheduleRequest(rs.getString(2), rs.getString(3), rs.getString(4),
                            JSON.readValue(rs.getString(5), MAP), JSON.readValue(rs.getString(6), MAP),
                            Optional.ofNullable(rs.getString(7)), Frequency.parse(rs.getString(8)), ZoneId.of(rs.getString(9)),
                            CatchUp.valueOf(rs.getString(10)), Duration.ofSeconds(rs.getLong(11)), Optional.ofNullable(rs.getString(14)),
                            rs.getBoolean(15), Optional.ofNullable(rs.getString(16)).map(java.util.Locale::forLanguageTag));
                    out.add(new Stored(rs.getString(1), r, rs.getBoolean(12), instant(rs, 13)));
                }
            }
        } catch (SQLException e) {
            throw failure("Cannot read schedules", e);
        } catch (JsonProcessingException e) {
            throw new ExportException("A stored schedule is corrupt: " + e.getOriginalMessage(), e);
        }
        return out;
    }

    public boolean setPaused(String id, boolean paused) {
        return update("UPDATE " + schedules + " SET paused = ? WHERE id = ?", ps -> {
            ps.setBoolean(1, paused);
            ps.setString(2, id);
        }) > 0;
    }

    public boolean delete(String id) {
        return update("DELETE FROM " + schedules + " WHERE id = ?", ps -> ps.setString(1, id)) > 0;
    }

    /**
     * Claims a slot in the ledger: the insert succeeds for exactly one caller, whichever node it runs on.
     *
     * @return {@code true} when this caller owns the slot
     */
    public boolean claim(String id, Instant slot, String trigger, String node, RunStatus status, String error, Instant now) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + runs + " "
                + "(schedule_id, slot_time, run_trigger, node, status, error_message, started_at, finished_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            set(ps, 2, slot);
            ps.setString(3, trigger);
            ps.setString(4, node);
            ps.setString(5, status.name());
            ps.setString(6, error);
            set(ps, 7, now);
            set(ps, 8, status == RunStatus.RUNNING ? null : now);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw failure("Cannot record the run of schedule '" + id + "'", e);
        }
    }

    public void finish(String id, Instant slot, RunStatus status, String jobId, String error, Instant now) {
        update("UPDATE " + runs + " SET status = ?, job_id = ?, error_message = ?, finished_at = ? "
                + "WHERE schedule_id = ? AND slot_time = ?", ps -> {
                    ps.setString(1, status.name());
                    ps.setString(2, jobId);
                    ps.setString(3, error == null ? null : error.length() > 2000 ? error.substring(0, 1999) + "…" : error);
                    set(ps, 4, now);
                    ps.setString(5, id);
                    set(ps, 6, slot);
                });
    }

    /**
     * The watermark of a delta schedule's next run: kept in the ledger, so a failed run leaves it where it was and
     * every node reads the same one.
     *
     * @param id      a schedule
     * @param overlap for a run recorded before watermarks were kept: how far before its start to look
     * @return the watermark the last successful run took before it read; empty when none has succeeded
     */
    public Optional<Instant> lastWatermark(String id, java.time.Duration overlap) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT watermark, started_at FROM "
                + runs + " WHERE schedule_id = ? AND status = 'COMPLETED' ORDER BY started_at DESC")) {
            ps.setString(1, id);
            ps.setMaxRows(1);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Instant watermark = dialect.getInstant(rs, 1);
                return Optional.of(watermark != null ? watermark : dialect.getInstant(rs, 2).minus(overlap));
            }
        } catch (SQLException e) {
            throw failure("Cannot read the runs of schedule '" + id + "'", e);
        }
    }

    /** Records what a delta run exported changes since (none: a full export) and the watermark the next run starts from. */
    public void setChangedSince(String id, Instant slot, Instant since, Instant watermark) {
        update("UPDATE " + runs + " SET changed_since = ?, watermark = ? WHERE schedule_id = ? AND slot_time = ?", ps -> {
            set(ps, 1, since);
            set(ps, 2, watermark);
            ps.setString(3, id);
            set(ps, 4, slot);
        });
    }

    public void setJob(String id, Instant slot, String jobId) {
        update("UPDATE " + runs + " SET job_id = ? WHERE schedule_id = ? AND slot_time = ?", ps -> {
            ps.setString(1, jobId);
            ps.setString(2, id);
            set(ps, 3, slot);
        });
    }

    /** @return the latest runs of a schedule, newest first */
    public List<ScheduleRun> runs(String id, int limit) {
        List<ScheduleRun> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT schedule_id, slot_time, "
                + "run_trigger, node, status, job_id, error_message, started_at, finished_at FROM " + runs + " "
                + "WHERE schedule_id = ? ORDER BY slot_time DESC")) {
            ps.setString(1, id);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && out.size() < limit) {
                    out.add(new ScheduleRun(rs.getString(1), instant(rs, 2), rs.getString(3), rs.getString(4), RunStatus.valueOf(rs.getString(5)),
                            Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)), instant(rs, 8),
                            Optional.ofNullable(dialect.getInstant(rs, 9))));
                }
            }
        } catch (SQLException e) {
            throw failure("Cannot read the runs of schedule '" + id + "'", e);
        }
        return out;
    }

    /** @return runs the ledger says are RUNNING, oldest first, at most {@code limit} */
    public List<ScheduleRun> running(int limit) {
        List<ScheduleRun> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT schedule_id, slot_time, "
                + "run_trigger, node, status, job_id, error_message, started_at, finished_at FROM " + runs + " "
                + "WHERE status = 'RUNNING' ORDER BY started_at")) {
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ScheduleRun(rs.getString(1), instant(rs, 2), rs.getString(3), rs.getString(4), RunStatus.valueOf(rs.getString(5)),
                            Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)), instant(rs, 8),
                            Optional.ofNullable(dialect.getInstant(rs, 9))));
                }
            }
        } catch (SQLException e) {
            throw failure("Cannot read the running scheduled runs", e);
        }
        return out;
    }

    /**
     * Ends a run that is still RUNNING (guarded, so two nodes settling it record it once).
     *
     * @return whether this call ended it
     */
    public boolean settle(String id, Instant slot, RunStatus status, String error, Instant now) {
        return update("UPDATE " + runs + " SET status = ?, error_message = ?, finished_at = ? WHERE schedule_id = ? "
                + "AND slot_time = ? AND status = 'RUNNING'", ps -> {
                    ps.setString(1, status.name());
                    ps.setString(2, error == null ? null : error.length() > 2000 ? error.substring(0, 1999) + "…" : error);
                    set(ps, 3, now);
                    ps.setString(4, id);
                    set(ps, 5, slot);
                }) == 1;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("Cannot update the scheduler tables", e);
        }
    }

    /** Milliseconds: what every database here stores exactly, so a slot written is a slot found again. */
    /** Binds an instant to the millisecond, as db-scheduler keeps its times. */
    private void set(PreparedStatement ps, int index, Instant t) throws SQLException {
        dialect.setInstant(ps, index, t == null ? null : t.truncatedTo(ChronoUnit.MILLIS));
    }

    private Instant instant(ResultSet rs, int column) throws SQLException {
        return dialect.getInstant(rs, column);
    }

    private static boolean isUniqueViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    private static ExportException failure(String what, SQLException e) {
        return new ExportException(what + ": " + e.getMessage() + " (SQL state " + e.getSQLState() + ")", e);
    }
}
