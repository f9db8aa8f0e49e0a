package org.smsexport.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.smsexport.ExportJob;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.ExportNode;
import org.smsexport.spi.JobQueue;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.NodeRegistry;
import org.smsexport.spi.StoredJob;

/**
 * A {@link JobStore} in a database table ({@code sms_export_jobs} by default: every table of the library has the prefix {@code EXPORT_TABLE_PREFIX}), so jobs survive a restart and several
 * processes can share them; it is also their {@link JobQueue} and {@link NodeRegistry} (table {@code sms_export_nodes}).
 * Every update is a compare-and-set — {@code UPDATE … WHERE id = ? AND version = ?} — so two processes never overwrite
 * each other. Every write renews the job's lease in the column {@code renewed_at} with the database's
 * {@code CURRENT_TIMESTAMP}, and leases expire, and nodes fall silent, by that clock alone: machines whose clocks
 * disagree still agree on who holds a job. Times are stored as {@code TIMESTAMP WITH TIME ZONE} at microsecond
 * precision. Thread-safe: each call takes its own connection.
 */
public final class JdbcJobStore implements JobStore, JobQueue, NodeRegistry {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final String COLUMNS = "id, type, format, status, progress_percent, total_records, file_name, file_size_bytes, "
            + "duration_millis, sha256, error_message, created_at, started_at, completed_at, updated_at, owner, notification_email, "
            + "notification_sent, notification_error, warnings, filters, instance_id, archive_path, attempts, node, request, trace_parent, version";
    /** A job waiting in the shared queue, which no lease holds. */
    private static final String QUEUED = "status = 'PENDING' AND node IS NULL AND request IS NOT NULL";

    /** Columns only our jobs table has: a table of its name without them is the host's, and is left alone. */
    private static final List<String> OURS = List.of("instance_id", "progress_percent", "version");
    private static final List<String> OUR_NODES = List.of("running_jobs", "last_heartbeat", "workers");
    /** Columns added after the table's first version: a table that has them all needs no DDL. */
    private static final List<String> LATEST = List.of("notification_error", "archive_path", "attempts", "node", "request", "renewed_at",
            "trace_parent");

    private final DataSource db;
    private final String table;
    private final String nodes;
    private final String prefix;
    /** The database's dialect, learnt when the store is made (an unsupported database is refused there). */
    private final org.smsexport.support.SqlDialect dialect;

    private JdbcJobStore(DataSource db, String table, String prefix) {
        this.db = Objects.requireNonNull(db, "dataSource");
        if (!IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("'" + table + "' is not a plain SQL identifier");
        }
        this.table = table;
        this.prefix = org.smsexport.support.OwnTables.checkPrefix(prefix);
        this.nodes = prefix + "nodes";
        try (Connection c = db.getConnection()) {
            this.dialect = org.smsexport.support.SqlDialect.of(c);
        } catch (SQLException e) {
            throw Sql.error("looking at the job table " + table, e);
        }
    }

    /**
     * A store in the table {@code sms_export_jobs} (nodes in {@code sms_export_nodes}), created when missing; the tables an
     * earlier version called {@code export_jobs} and {@code export_nodes} are renamed to them.
     *
     * @param db the database
     * @return the store
     */
    public static JdbcJobStore create(DataSource db) {
        return withPrefix(db, org.smsexport.support.OwnTables.DEFAULT_PREFIX);
    }

    /**
     * @param db     the database
     * @param prefix the prefix of the library's tables ({@code EXPORT_TABLE_PREFIX}): jobs in {@code <prefix>jobs},
     *               nodes in {@code <prefix>nodes}
     * @return the store
     * @throws org.smsexport.ExportException when a table of those names is not sms-export's (it is never altered)
     */
    public static JdbcJobStore withPrefix(DataSource db, String prefix) {
        JdbcJobStore store = new JdbcJobStore(db, org.smsexport.support.OwnTables.checkPrefix(prefix) + "jobs", prefix);
        store.createTable();
        return store;
    }

    /**
     * @param db    the database
     * @param table the jobs table's name, created when missing (nodes in {@code sms_export_nodes})
     * @return the store
     * @throws org.smsexport.ExportException when a table of that name is not sms-export's (it is never altered)
     */
    public static JdbcJobStore create(DataSource db, String table) {
        JdbcJobStore store = new JdbcJobStore(db, table, org.smsexport.support.OwnTables.DEFAULT_PREFIX);
        store.createTable();
        return store;
    }

    /** @return the prefix of the library's tables this store was made with */
    public String tablePrefix() {
        return prefix;
    }

    /** @return the DDL of the jobs table */
    public String ddl() {
        return jobsDdl(table, dialect);
    }

    private static String jobsDdl(String table, org.smsexport.support.SqlDialect d) {
        return ("CREATE TABLE IF NOT EXISTS " + table + " (id VARCHAR(20) PRIMARY KEY, type VARCHAR(63) NOT NULL, "
                + "format VARCHAR(32) NOT NULL, status VARCHAR(16) NOT NULL, progress_percent INTEGER NOT NULL, "
                + "total_records BIGINT NOT NULL, file_name VARCHAR(255), file_size_bytes BIGINT NOT NULL, duration_millis BIGINT, "
                + "sha256 VARCHAR(64), error_message VARCHAR(4000), created_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                + "started_at TIMESTAMP WITH TIME ZONE, completed_at TIMESTAMP WITH TIME ZONE, "
                + "updated_at TIMESTAMP WITH TIME ZONE NOT NULL, owner VARCHAR(200) NOT NULL, notification_email VARCHAR(320), "
                + "notification_sent BOOLEAN NOT NULL, notification_error VARCHAR(1000), warnings VARCHAR, filters VARCHAR, instance_id VARCHAR(32) NOT NULL, "
                + "archive_path VARCHAR(1024), attempts INTEGER DEFAULT 0 NOT NULL, node VARCHAR(200), request VARCHAR, "
                + "trace_parent VARCHAR(55), version BIGINT NOT NULL, renewed_at TIMESTAMP WITH TIME ZONE)").replace("TIMESTAMP WITH TIME ZONE", d.timestamp())
                .replace(" VARCHAR,", " " + d.text() + ",");
    }

    private static String nodesDdl(String nodes, org.smsexport.support.SqlDialect d) {
        return "CREATE TABLE IF NOT EXISTS " + nodes + " (name VARCHAR(200) PRIMARY KEY, started_at " + d.timestamp() + " "
                + "NOT NULL, last_heartbeat " + d.timestamp() + " NOT NULL, running_jobs INTEGER NOT NULL, workers INTEGER NOT NULL)";
    }

    private static List<String> jobIndexes(String table) {
        return List.of("CREATE INDEX IF NOT EXISTS " + table + "_owner_idx ON " + table + " (owner, created_at)",
                "CREATE INDEX IF NOT EXISTS " + table + "_status_idx ON " + table + " (status)");
    }

    /**
     * @param prefix  the tables' prefix ({@code EXPORT_TABLE_PREFIX})
     * @param dialect the database
     * @return the statements that create the job and node tables, in the database's types
     */
    public static List<String> ddl(String prefix, org.smsexport.support.SqlDialect dialect) {
        String p = org.smsexport.support.OwnTables.checkPrefix(prefix);
        List<String> out = new java.util.ArrayList<>();
        out.add(jobsDdl(p + "jobs", dialect));
        out.addAll(jobIndexes(p + "jobs"));
        out.add(nodesDdl(p + "nodes", dialect));
        return out;
    }

    private void createTable() {
        java.util.Set<String> columns;
        org.smsexport.support.SqlDialect d = dialect;
        try (Connection c = db.getConnection()) {
            // ours, or ours under the name an earlier version gave it, or nothing: never a table of the host's
            columns = org.smsexport.support.OwnTables.prepare(c, table, table.equals(prefix + "jobs") ? "export_jobs" : null, OURS);
        } catch (SQLException e) {
            throw Sql.error("looking at the job table " + table, e);
        }
        if (columns.containsAll(LATEST)) {
            // all there: no DDL, which on a database shared by running processes waits for their locks
            return;
        }
        // columns added after the table's first version: a table an older build made gains those it lacks
        Map<String, String> added = new LinkedHashMap<>();
        added.put("notification_error", "VARCHAR(1000)");
        added.put("archive_path", "VARCHAR(1024)");
        added.put("attempts", "INTEGER DEFAULT 0 NOT NULL"); // with the shared queue
        added.put("node", "VARCHAR(200)");
        added.put("request", d.text());
        added.put("renewed_at", d.timestamp()); // with leases by the database's clock
        added.put("trace_parent", "VARCHAR(55)"); // with tracing: the node that runs a job continues its trace
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            if (columns.isEmpty()) {
                s.execute(jobsDdl(table, d));
            } else {
                for (Map.Entry<String, String> col : added.entrySet()) {
                    if (!columns.contains(col.getKey())) {
                        s.execute("ALTER TABLE " + table + " ADD COLUMN " + col.getKey() + " " + col.getValue());
                    }
                }
            }
            for (String index : jobIndexes(table)) {
                d.execute(s, index);
            }
            commit(c);
        } catch (SQLException e) {
            // another node made it at the same moment (PostgreSQL refuses the second of two concurrent CREATE TABLEs)
            java.util.List<String> all = new java.util.ArrayList<>(OURS);
            all.addAll(LATEST);
            if (!org.smsexport.support.OwnTables.madeMeanwhile(db, table, all)) {
                throw Sql.error("creating the job table " + table, e);
            }
        }
    }

    @Override
    public void insert(StoredJob job) {
        org.smsexport.support.SqlDialect d = dialect;
        String sql = "INSERT INTO " + table + " (" + COLUMNS + ", renewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                + "?, ?, ?, ?, ?, ?, ?, ?, ?, " + d.now() + ")";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindValues(ps, job, d);
            ps.setLong(i, job.version());
            ps.executeUpdate();
            commit(c);
        } catch (SQLException e) {
            throw Sql.error("saving job " + job.id(), e);
        }
    }

    @Override
    public Optional<StoredJob> find(JobId id) {
        try (Connection c = db.getConnection()) {
            return find(c, id);
        } catch (SQLException e) {
            throw Sql.error("reading job " + id, e);
        }
    }

    private Optional<StoredJob> find(Connection c, JobId id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs, dialect)) : Optional.empty();
            }
        }
    }

    @Override
    public Optional<StoredJob> update(StoredJob current, StoredJob next) {
        String sql = "UPDATE " + table + " SET id = ?, type = ?, format = ?, status = ?, progress_percent = ?, total_records = ?, "
                + "file_name = ?, file_size_bytes = ?, duration_millis = ?, sha256 = ?, error_message = ?, created_at = ?, "
                + "started_at = ?, completed_at = ?, updated_at = ?, owner = ?, notification_email = ?, notification_sent = ?, "
                + "notification_error = ?, "
                + "warnings = ?, filters = ?, instance_id = ?, archive_path = ?, attempts = ?, node = ?, request = ?, trace_parent = ?, version = ?, "
                + "renewed_at = " + dialect.now() + " WHERE id = ? AND version = ?";
        StoredJob stored = next.withVersion(current.version() + 1);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindValues(ps, stored, dialect);
            ps.setLong(i++, stored.version());
            ps.setString(i++, current.id().value());
            ps.setLong(i, current.version());
            int n = ps.executeUpdate();
            commit(c);
            return n == 1 ? Optional.of(stored) : Optional.empty();
        } catch (SQLException e) {
            throw Sql.error("updating job " + current.id(), e);
        }
    }

    /**
     * On PostgreSQL one statement claims the oldest queued jobs: {@code UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP
     * LOCKED)}, so nodes asking at once take different jobs without waiting on each other's locks; on MariaDB and MySQL the
     * same in one transaction ({@code SELECT … FOR UPDATE SKIP LOCKED}, then the {@code UPDATE}); on H2 and SQLite the
     * oldest are read and each taken with a compare-and-set, skipping those another node took first.
     */
    @Override
    public List<StoredJob> claim(String node, int max) {
        Objects.requireNonNull(node, "node");
        if (max <= 0) {
            return List.of();
        }
        try (Connection c = db.getConnection()) {
            org.smsexport.support.SqlDialect d = dialect;
            String set = "SET node = ?, updated_at = " + d.now() + ", renewed_at = " + d.now() + ", version = version + 1";
            List<StoredJob> out = new ArrayList<>();
            if (d == org.smsexport.support.SqlDialect.MARIADB) {
                boolean auto = c.getAutoCommit();
                c.setAutoCommit(false);
                try {
                    List<String> ids = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE " + QUEUED
                            + " ORDER BY created_at, id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                        ps.setInt(1, max);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                ids.add(rs.getString(1));
                            }
                        }
                    }
                    if (!ids.isEmpty()) {
                        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " " + set + " WHERE id IN ("
                                + String.join(", ", java.util.Collections.nCopies(ids.size(), "?")) + ")")) {
                            ps.setString(1, node);
                            for (int i = 0; i < ids.size(); i++) {
                                ps.setString(i + 2, ids.get(i));
                            }
                            ps.executeUpdate();
                        }
                    }
                    c.commit();
                    for (String id : ids) {
                        find(c, JobId.of(id)).ifPresent(out::add);
                    }
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(auto);
                }
            } else if (d == org.smsexport.support.SqlDialect.POSTGRESQL) {
                String sql = "UPDATE " + table + " " + set + " WHERE id IN (SELECT id FROM " + table + " WHERE " + QUEUED
                        + " ORDER BY created_at, id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, node);
                    ps.setInt(2, max);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(read(rs, d));
                        }
                    }
                }
                commit(c);
            } else {
                List<StoredJob> candidates = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE " + QUEUED
                        + " ORDER BY created_at, id LIMIT ?")) {
                    ps.setInt(1, Math.max(max * 4, 16));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            candidates.add(read(rs, d));
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " " + set + " WHERE id = ? AND version = ? AND "
                        + QUEUED)) {
                    for (StoredJob s : candidates) {
                        if (out.size() == max) {
                            break;
                        }
                        ps.setString(1, node);
                        ps.setString(2, s.id().value());
                        ps.setLong(3, s.version());
                        int n = ps.executeUpdate();
                        commit(c);
                        if (n == 1) {
                            find(c, s.id()).ifPresent(out::add);
                        }
                    }
                }
            }
            out.sort(java.util.Comparator.comparing((StoredJob s) -> s.job().createdAt()).thenComparing(s -> s.id().value()));
            return List.copyOf(out);
        } catch (SQLException e) {
            throw Sql.error("claiming queued jobs for node " + node, e);
        }
    }

    /** The database's clock. */
    private Instant databaseNow(Connection c) throws SQLException {
        org.smsexport.support.SqlDialect d = dialect;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + d.now())) {
            rs.next();
            return d.getInstant(rs, 1);
        }
    }

    /** Unfinished jobs a node or process holds whose {@code renewed_at} is older than the grace by the database's clock. */
    @Override
    public List<StoredJob> expired(Duration grace, int max) {
        try (Connection c = db.getConnection()) {
            Instant before = databaseNow(c).minus(grace);
            org.smsexport.support.SqlDialect d = dialect;
            List<StoredJob> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE status IN ('PENDING', "
                    + "'RUNNING') AND NOT (" + QUEUED + ") AND COALESCE(renewed_at, updated_at) <= ? ORDER BY COALESCE(renewed_at, "
                    + "updated_at), id LIMIT ?")) {
                d.setInstant(ps, 1, before);
                ps.setInt(2, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs, d));
                    }
                }
            }
            return List.copyOf(out);
        } catch (SQLException e) {
            throw Sql.error("reading expired job leases", e);
        }
    }

    @Override
    public List<StoredJob> list(JobFilter filter) {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + " FROM " + table + where(filter, params)
                + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?";
        params.add(filter.limit());
        params.add(filter.offset());
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            org.smsexport.support.SqlDialect d = dialect;
            bind(ps, params, d);
            List<StoredJob> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs, d));
                }
            }
            return List.copyOf(out);
        } catch (SQLException e) {
            throw Sql.error("listing jobs", e);
        }
    }

    @Override
    public long count(JobFilter filter) {
        List<Object> params = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + where(filter, params))) {
            bind(ps, params, dialect);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw Sql.error("counting jobs", e);
        }
    }

    @Override
    public boolean delete(JobId id) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id.value());
            int n = ps.executeUpdate();
            commit(c);
            return n == 1;
        } catch (SQLException e) {
            throw Sql.error("deleting job " + id, e);
        }
    }

    private static String where(JobFilter f, List<Object> params) {
        List<String> conditions = new ArrayList<>();
        f.owner().ifPresent(o -> {
            conditions.add("owner = ?");
            params.add(o);
        });
        f.type().ifPresent(t -> {
            conditions.add("type = ?");
            params.add(t);
        });
        if (!f.statuses().isEmpty()) {
            List<String> marks = new ArrayList<>();
            for (JobStatus s : f.statuses()) {
                marks.add("?");
                params.add(s.name());
            }
            conditions.add("status IN (" + String.join(", ", marks) + ")");
        }
        f.createdBefore().ifPresent(t -> {
            conditions.add("created_at < ?");
            params.add(t);
        });
        f.search().ifPresent(x -> {
            // LIKE with '!' escaping its own wildcards: the same on H2, PostgreSQL, MariaDB and SQLite
            String like = x.replace("!", "!!").replace("%", "!%").replace("_", "!_");
            conditions.add("(LOWER(id) LIKE ? ESCAPE '!' OR LOWER(file_name) LIKE ? ESCAPE '!')");
            params.add(like + "%");
            params.add("%" + like + "%");
        });
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static void bind(PreparedStatement ps, List<Object> params, org.smsexport.support.SqlDialect d) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            d.setObject(ps, i + 1, p instanceof Instant ? d.truncate((Instant) p) : p);
        }
    }

    /** Binds every column but the version; returns the index of the version parameter. */
    private static int bindValues(PreparedStatement ps, StoredJob stored, org.smsexport.support.SqlDialect d) throws SQLException {
        ExportJob j = stored.job();
        int i = 1;
        ps.setString(i++, j.id().value());
        ps.setString(i++, j.type());
        ps.setString(i++, j.format());
        ps.setString(i++, j.status().name());
        ps.setInt(i++, j.progressPercent());
        ps.setLong(i++, j.totalRecords());
        ps.setString(i++, j.fileName().orElse(null));
        ps.setLong(i++, j.fileSizeBytes());
        if (j.duration().isPresent()) {
            ps.setLong(i++, j.duration().get().toMillis());
        } else {
            ps.setNull(i++, Types.BIGINT);
        }
        ps.setString(i++, j.sha256().orElse(null));
        ps.setString(i++, j.errorMessage().map(m -> m.length() > 4000 ? m.substring(0, 3999) + "…" : m).orElse(null));
        d.setInstant(ps, i++, d.truncate(j.createdAt()));
        d.setInstant(ps, i++, j.startedAt().map(d::truncate).orElse(null));
        d.setInstant(ps, i++, j.completedAt().map(d::truncate).orElse(null));
        d.setInstant(ps, i++, d.truncate(j.updatedAt()));
        ps.setString(i++, j.owner());
        ps.setString(i++, j.notificationEmail().orElse(null));
        ps.setBoolean(i++, j.notificationSent());
        ps.setString(i++, j.notificationError().map(m -> m.length() > 1000 ? m.substring(0, 999) + "…" : m).orElse(null));
        ps.setString(i++, j.warnings().isEmpty() ? null : String.join("\n", j.warnings()));
        ps.setString(i++, j.filters().isEmpty() ? null : encode(j.filters()));
        ps.setString(i++, stored.instanceId());
        ps.setString(i++, j.archivePath().orElse(null));
        ps.setInt(i++, j.attempts());
        ps.setString(i++, j.node().orElse(null));
        ps.setString(i++, stored.request().orElse(null));
        ps.setString(i++, j.traceParent().orElse(null));
        return i;
    }

    private static StoredJob read(ResultSet rs, org.smsexport.support.SqlDialect d) throws SQLException {
        long duration = rs.getLong("duration_millis");
        boolean hasDuration = !rs.wasNull();
        String warnings = rs.getString("warnings");
        String filters = rs.getString("filters");
        ExportJob job = ExportJob.builder().id(JobId.of(rs.getString("id"))).type(rs.getString("type")).format(rs.getString("format"))
                .status(JobStatus.valueOf(rs.getString("status"))).progressPercent(rs.getInt("progress_percent"))
                .totalRecords(rs.getLong("total_records")).fileName(rs.getString("file_name"))
                .fileSizeBytes(rs.getLong("file_size_bytes")).duration(hasDuration ? Duration.ofMillis(duration) : null)
                .sha256(rs.getString("sha256")).errorMessage(rs.getString("error_message"))
                .createdAt(d.getInstant(rs, "created_at")).startedAt(d.getInstant(rs, "started_at"))
                .completedAt(d.getInstant(rs, "completed_at")).updatedAt(d.getInstant(rs, "updated_at")).owner(rs.getString("owner"))
                .notificationEmail(rs.getString("notification_email")).notificationSent(rs.getBoolean("notification_sent")).notificationError(rs.getString("notification_error"))
                .warnings(warnings == null ? List.of() : List.of(warnings.split("\n")))
                .filters(filters == null ? Map.of() : decode(filters)).archivePath(rs.getString("archive_path"))
                .attempts(rs.getInt("attempts")).node(rs.getString("node")).traceParent(rs.getString("trace_parent")).build();
        return StoredJob.of(job, rs.getString("instance_id"), rs.getString("request"), rs.getLong("version"));
    }

    /** {@code key=value} lines; backslash escapes newline, '=' and itself. */
    static String encode(Map<String, String> map) {
        StringBuilder sb = new StringBuilder();
        map.forEach((k, v) -> sb.append(escape(k)).append('=').append(escape(v)).append('\n'));
        return sb.toString();
    }

    static Map<String, String> decode(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            StringBuilder key = new StringBuilder();
            StringBuilder cur = key;
            StringBuilder value = new StringBuilder();
            for (int i = 0; i < line.length(); i++) {
                char ch = line.charAt(i);
                if (ch == '\\' && i + 1 < line.length()) {
                    char e = line.charAt(++i);
                    cur.append(e == 'n' ? '\n' : e);
                } else if (ch == '=' && cur == key) {
                    cur = value;
                } else {
                    cur.append(ch);
                }
            }
            out.put(key.toString(), value.toString());
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=");
    }

    private static void commit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    @Override
    public String toString() {
        return "JdbcJobStore[" + table + "]";
    }


    /** @return the database this store keeps its jobs in: nodes sharing the jobs keep their mail outbox there too */
    public DataSource dataSource() {
        return db;
    }

    /** @return the audit trail in the table {@code <prefix>audit} of this store's database, created when missing */
    public org.smsexport.spi.AuditSink auditSink() {
        return JdbcAuditSink.withPrefix(db, prefix);
    }

    private volatile boolean nodesTable;

    private void nodesTable() {
        if (nodesTable) {
            return;
        }
        boolean there;
        try (Connection c = db.getConnection()) {
            there = !org.smsexport.support.OwnTables.prepare(c, nodes, nodes.equals(org.smsexport.support.OwnTables.DEFAULT_PREFIX
                    + "nodes") ? "export_nodes" : null, OUR_NODES).isEmpty();
        } catch (SQLException e) {
            throw Sql.error("looking at the node table " + nodes, e);
        }
        if (!there) {
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                s.execute(nodesDdl(nodes, dialect));
                commit(c);
            } catch (SQLException e) {
                if (!org.smsexport.support.OwnTables.madeMeanwhile(db, nodes, OUR_NODES)) {
                    throw Sql.error("creating the node table " + nodes, e);
                }
            }
        }
        nodesTable = true;
    }

    /** Writes the node's row in {@code <prefix>nodes}, its heartbeat the database's time: an update, or an insert the first time. */
    @Override
    public void heartbeat(ExportNode node) {
        nodesTable();
        try (Connection c = db.getConnection()) {
            org.smsexport.support.SqlDialect d = dialect;
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + nodes + " SET started_at = ?, last_heartbeat = " + d.now() + ", "
                    + "running_jobs = ?, workers = ? WHERE name = ?")) {
                d.setInstant(ps, 1, d.truncate(node.startedAt()));
                ps.setInt(2, node.runningJobs());
                ps.setInt(3, node.workers());
                ps.setString(4, node.name());
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + nodes + " (name, started_at, last_heartbeat, running_jobs, "
                        + "workers) VALUES (?, ?, " + d.now() + ", ?, ?)")) {
                    ps.setString(1, node.name());
                    d.setInstant(ps, 2, d.truncate(node.startedAt()));
                    ps.setInt(3, node.runningJobs());
                    ps.setInt(4, node.workers());
                    ps.executeUpdate();
                }
            }
            commit(c);
        } catch (SQLException e) {
            throw Sql.error("recording the heartbeat of node " + node.name(), e);
        }
    }

    @Override
    public void remove(String name) {
        nodesTable();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM " + nodes + " WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
            commit(c);
        } catch (SQLException e) {
            throw Sql.error("removing node " + name, e);
        }
    }

    @Override
    public List<ExportNode> nodes() {
        nodesTable();
        List<ExportNode> out = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT name, started_at, last_heartbeat, running_jobs, workers FROM " + nodes + " ORDER BY name")) {
            org.smsexport.support.SqlDialect d = dialect;
            while (rs.next()) {
                out.add(new ExportNode(rs.getString(1), d.getInstant(rs, 2), d.getInstant(rs, 3), rs.getInt(4), rs.getInt(5)));
            }
        } catch (SQLException e) {
            throw Sql.error("reading the nodes", e);
        }
        return List.copyOf(out);
    }

    /** Removes the nodes whose last heartbeat is older than {@code silence} by the database's clock. */
    @Override
    public int forgetSilent(Duration silence) {
        nodesTable();
        try (Connection c = db.getConnection()) {
            Instant before = databaseNow(c).minus(silence);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + nodes + " WHERE last_heartbeat < ?")) {
                dialect.setInstant(ps, 1, before);
                int n = ps.executeUpdate();
                commit(c);
                return n;
            }
        } catch (SQLException e) {
            throw Sql.error("forgetting silent nodes", e);
        }
    }
}
