package org.smsexport.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.logging.Logger;
import org.smsexport.ColumnType;
import org.smsexport.ExportException;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;
import org.smsexport.FilterSpec;
import org.smsexport.SortKey;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.Cancellation;
import org.smsexport.spi.RowCursor;

/**
 * A {@link DataSource} over the SMS tables ({@link SmsSchema}) of any JDBC database, H2 and PostgreSQL
 * tested. One query per export, with the joins that bring in student and course names (no query per row);
 * every filter a bind parameter; soft-deleted rows (and rows of soft-deleted students or courses) left out;
 * a stable order (by id unless sorted). Streams: the fetch size is set; on PostgreSQL the query runs in a
 * read-only transaction with autocommit off, so the driver uses a server-side cursor; on H2 it runs with lazy
 * query execution, so rows come as they are found instead of after the whole result was built (in memory, or
 * in a temporary file); students and courses are joined as outer joins (their rows required by the WHERE),
 * which H2 does not reorder, so the exported table comes first and its primary key gives the order without a
 * sort. Connections are handed back with their settings as they came. Text search ignores case and, on H2 and
 * PostgreSQL, accents, as {@link org.smsexport.FilterSpec#searchKey} does (see {@code SearchSql}). Thread-safe: each export takes its own connection.
 */
public final class JdbcDataSource implements DataSource {

    private final javax.sql.DataSource db;
    private final SmsSchema schema;
    private final int fetchSize;
    private final boolean copy;
    /** The SQL of each type as the database has its tables, read again after {@link #RESOLVED_FOR}. */
    private volatile Resolved resolved;

    /** How long what the database's metadata said is trusted before it is read again (a host may migrate its schema). */
    private static final long RESOLVED_FOR = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

    /** The SQL of every built-in type, from one read of the metadata. */
    private static final class Resolved {
        final Map<String, TypeSql> types = new HashMap<>();
        final long at = System.nanoTime();

        Resolved(HostSchema h) {
            for (ExportType t : ExportType.builtIns()) {
                types.put(t.name(), TypeSql.of(t, h));
            }
        }
    }

    private JdbcDataSource(javax.sql.DataSource db, SmsSchema schema, int fetchSize, boolean copy) {
        this.db = Objects.requireNonNull(db, "dataSource");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.fetchSize = fetchSize;
        this.copy = copy;
    }

    /** @return the SQL of each type, from the database's metadata (read at most every {@link #RESOLVED_FOR}) */
    private Map<String, TypeSql> resolved(boolean fresh) {
        Resolved r = resolved;
        if (r == null || fresh || System.nanoTime() - r.at > RESOLVED_FOR) {
            try (Connection c = db.getConnection()) {
                r = new Resolved(HostSchema.read(c, schema));
            } catch (SQLException e) {
                throw Sql.error("reading which SMS tables and columns the database has", e);
            }
            resolved = r;
        }
        return r.types;
    }

    /**
     * @param db the database
     * @return a source over the original SMS table names, fetch size 1,000
     */
    public static JdbcDataSource of(javax.sql.DataSource db) {
        return new JdbcDataSource(db, SmsSchema.standard(), 1_000, true);
    }

    /**
     * @param db        the database
     * @param schema    table and column names
     * @param fetchSize rows fetched per round trip (1..100,000)
     * @return the source
     */
    public static JdbcDataSource of(javax.sql.DataSource db, SmsSchema schema, int fetchSize) {
        if (fetchSize < 1 || fetchSize > 100_000) {
            throw new IllegalArgumentException("fetchSize must be 1..100000, got " + fetchSize);
        }
        return new JdbcDataSource(db, schema, fetchSize, true);
    }

    /**
     * Whether rows from PostgreSQL are read through {@code COPY … TO STDOUT (FORMAT binary)} (the default), decoded
     * straight into values, rather than a cursor: about 1.5 times faster to read, the same rows and values. Queries
     * COPY cannot serve (another driver than pgjdbc, a column of a type not decoded) use the cursor either way.
     *
     * @param on {@code false} to always use a cursor
     * @return a source like this one with the setting
     */
    public JdbcDataSource copy(boolean on) {
        return new JdbcDataSource(db, schema, fetchSize, on);
    }

    /**
     * A minimal {@link javax.sql.DataSource} over {@link DriverManager}, for tools and tests; applications
     * should pass their connection pool.
     *
     * @param url      JDBC URL
     * @param user     user, or {@code null}
     * @param password password, or {@code null}
     * @return a data source opening a new connection per call
     */
    public static javax.sql.DataSource driverManager(String url, String user, String password) {
        return new DriverManagerSource(url, user, password);
    }

    /** @return the schema names this source queries */
    public SmsSchema schema() {
        return schema;
    }

    @Override
    public String name() {
        return "jdbc";
    }

    /** @return {@code true}: fetching and decoding rows overlaps with formatting them */
    @Override
    public boolean readAhead() {
        return true;
    }

    /** @return {@code true}: rows carry {@code created_at}, {@code updated_at} and {@code deleted_at} */
    @Override
    public boolean supportsChanges() {
        return true;
    }

    /**
     * The database's clock, less the age of its oldest open transaction on PostgreSQL ({@code pg_stat_activity}: a
     * transaction's {@code now()} is when it began, and its changes are invisible until it commits) and on MariaDB/MySQL
     * ({@code information_schema.INNODB_TRX}, when the user may read it). H2 and SQLite tell no transaction's start:
     * their clock alone, and the schedule's overlap covers a transaction open across a run.
     */
    @Override
    public java.util.Optional<java.time.Instant> changesWatermark(ExportType type) {
        try (Connection c = db.getConnection()) {
            Session session = Session.streaming(c);
            try {
                java.time.Instant now;
                try (PreparedStatement ps = c.prepareStatement("SELECT " + session.dialect.now()); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    now = session.dialect.getInstant(rs, 1);
                }
                String oldest = null;
                if (session.postgres) {
                    oldest = "SELECT EXTRACT(EPOCH FROM (now() - MIN(xact_start))) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                            + "AND datname = current_database() AND xact_start IS NOT NULL";
                } else if (session.dialect == org.smsexport.support.SqlDialect.MARIADB) {
                    oldest = "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(trx_started), NOW()) / 1000000.0 FROM information_schema.INNODB_TRX "
                            + "WHERE trx_mysql_thread_id <> CONNECTION_ID()";
                }
                if (oldest != null) {
                    try (PreparedStatement ps = c.prepareStatement(oldest); ResultSet rs = ps.executeQuery()) {
                        double seconds = rs.next() ? rs.getDouble(1) : 0;
                        if (seconds > 0) {
                            now = now.minusNanos((long) Math.ceil(seconds * 1e9));
                        }
                    } catch (SQLException e) {
                        // a user who may not see the server's transactions: the clock alone, and the overlap
                        session.recover();
                    }
                }
                return java.util.Optional.of(now);
            } finally {
                session.restore();
            }
        } catch (SQLException e) {
            throw Sql.error("reading the database's clock", e);
        }
    }

    /**
     * Checks that the database answers and has the tables and columns a type needs, without reading rows.
     *
     * @param type a built-in type
     * @throws ExportException with the database's reason and a hint (wrong URL or password, missing table or column and how
     *                         to map it)
     */
    public void check(ExportType type) {
        TypeSql t = typeSql(ExportQuery.all(type), true);
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + String.join(", ", t.select) + " FROM " + t.from + " WHERE 1 = 0");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
        } catch (SQLException e) {
            throw Sql.error("checking the " + type.name() + " tables", e);
        }
    }

    /**
     * What one type reads from this database, for {@code schema check}.
     *
     * @param type     the built-in type
     * @param table    the table it reads, or {@code null} when the database has none for it
     * @param columns  each of its columns (by the SMS's name) and the database's name for it, {@code null} when absent
     * @param problem  why it cannot be exported from this database, or {@code null} when it can
     * @param warnings what its exports will say (columns that export empty, no soft delete)
     * @param noDeltas why it cannot be exported as changes, or {@code null} when it can
     */
    public record TypeCheck(String type, String table, Map<String, String> columns, String problem, List<String> warnings,
            String noDeltas) {
        /** @return whether the type can be exported from this database */
        public boolean exportable() {
            return problem == null;
        }
    }

    /**
     * Reads the database's metadata again and says, per built-in type, what an export will read and what is missing; no
     * query runs on the host's tables and nothing is changed.
     *
     * @return one check per built-in type
     * @throws ExportException when the database cannot be reached
     */
    public List<TypeCheck> checkSchema() {
        Map<String, TypeSql> all = resolved(true);
        List<TypeCheck> out = new ArrayList<>();
        for (ExportType t : ExportType.builtIns()) {
            TypeSql s = all.get(t.name());
            out.add(new TypeCheck(t.name(), s.table, java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(s.columns)),
                    s.problem, s.warnings, s.noChanges));
        }
        return List.copyOf(out);
    }

    /** @return the columns this database lacks for the type (they export empty), and other things its exports should say */
    @Override
    public List<String> warnings(ExportType type) {
        TypeSql t = known(type);
        return t == null ? List.of() : t.warnings;
    }

    /** @return why the database cannot give the type's changes (it lacks {@code created_at}, {@code updated_at} or {@code deleted_at}) */
    @Override
    public java.util.Optional<String> changesUnsupported(ExportType type) {
        TypeSql t = known(type);
        return java.util.Optional.ofNullable(t == null ? null : t.noChanges);
    }

    /** @return the type's SQL, or {@code null} for a type not built in, or when the database cannot be read now (the export says why) */
    private TypeSql known(ExportType type) {
        if (ExportType.builtIn(type.name()).isEmpty()) {
            return null;
        }
        try {
            return resolved(false).get(type.name());
        } catch (ExportException e) {
            return null;
        }
    }

    @Override
    public OptionalLong count(ExportQuery query) {
        return count(query, Cancellation.NONE);
    }

    /** Counts; a stopped export cancels the statement, so a count blocked on a lock ends at once. */
    @Override
    public OptionalLong count(ExportQuery query, Cancellation cancel) {
        TypeSql t = typeSql(query);
        List<Object> params = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            Session session = Session.streaming(c);
            try {
                String text = "SELECT COUNT(*) FROM " + t.from + " WHERE " + t.where(query, params, session.dialect);
                try (PreparedStatement ps = c.prepareStatement(text)) {
                    bind(ps, params, session.dialect);
                    StatementCancel stop = new StatementCancel(ps);
                    Runnable forget = cancel.whenCancelled(stop);
                    try {
                        stop.beforeExecute();
                        try (ResultSet rs = ps.executeQuery()) {
                            stop.executed();
                            rs.next();
                            return OptionalLong.of(rs.getLong(1));
                        }
                    } finally {
                        stop.executed();
                        forget.run();
                    }
                }
            } finally {
                session.restore();
            }
        } catch (SQLException e) {
            throw Sql.error("counting " + query.type().name(), e);
        }
    }

    @Override
    public RowCursor open(ExportQuery query) {
        return open(query, Cancellation.NONE);
    }

    /**
     * Opens the cursor; a stopped export cancels the statement ({@code Statement.cancel()}), whether it still waits for
     * its first rows (a lock, a slow plan) or fetches more, and the connection goes back when the cursor closes.
     */
    @Override
    public RowCursor open(ExportQuery query, Cancellation cancel) {
        TypeSql t = typeSql(query);
        List<Object> params = new ArrayList<>();
        Connection c = null;
        Session session = null;
        Runnable forget = () -> { };
        try {
            c = db.getConnection();
            session = Session.streaming(c);
            String text = t.select(query, params, session.dialect);
            PreparedStatement ps = c.prepareStatement(text, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(fetchSize);
            bind(ps, params, session.dialect);
            if (copy && session.postgres) {
                RowCursor rows = copyCursor(c, ps, query.type(), text, params, session, cancel);
                if (rows != null) {
                    return rows;
                }
            }
            StatementCancel stop = new StatementCancel(ps);
            forget = cancel.whenCancelled(stop);
            ResultSet rs;
            try {
                stop.beforeExecute();
                rs = ps.executeQuery();
            } finally {
                stop.executed();
            }
            return new Cursor(c, ps, rs, query.type(), session, forget);
        } catch (SQLException e) {
            forget.run();
            if (session != null) {
                session.restore();
            }
            close(c);
            throw Sql.error("reading " + query.type().name(), e);
        }
    }

    /**
     * The rows through PostgreSQL's binary COPY ({@link PostgresCopy}), or {@code null} when this query is read by the
     * cursor. A stop cancels the query on the server ({@code cancelQuery}, repeated until the COPY started, as for a
     * statement); a cursor closed before the end cancels the COPY ({@code CopyOut.cancelCopy}).
     */
    private static RowCursor copyCursor(Connection c, PreparedStatement ps, ExportType type, String text, List<Object> params, Session session,
            Cancellation cancel) throws SQLException {
        StatementCancel stop;
        try {
            stop = new StatementCancel(PostgresCopy.canceller(c));
        } catch (LinkageError e) {
            return null; // pgjdbc is not visible from here: the cursor reads
        }
        // describing the statement already waits for a lock the table is under: the stop cancels that too
        Runnable forget = cancel.whenCancelled(stop);
        try {
            stop.beforeExecute();
            PostgresCopy.Plan plan = PostgresCopy.plan(c, ps.getMetaData(), type, text, params);
            if (plan == null) {
                forget.run();
                return null;
            }
            ps.close();
            PostgresCopy.Reader reader = new PostgresCopy.Reader(c, plan);
            return new CopyCursor(c, reader, type, session, forget);
        } catch (SQLException | RuntimeException e) {
            forget.run();
            throw e;
        } finally {
            stop.executed();
        }
    }

    /** What both cursors share: the row, the stop they forget and the session and connection they give back on close. */
    private abstract static class Read implements RowCursor {
        final Connection c;
        final Object[] row;
        final String type;
        final Session session;
        private final Runnable forgetCancel;
        boolean closed;

        Read(Connection c, ExportType type, Session session, Runnable forgetCancel) {
            this.c = c;
            this.row = new Object[type.columns().size()];
            this.type = type.name();
            this.session = session;
            this.forgetCancel = forgetCancel;
        }

        @Override
        public Object get(int column) {
            return row[column];
        }

        /** Ends the statement or the COPY, before the session is restored and the connection given back. */
        abstract void end();

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            forgetCancel.run();
            try {
                end();
            } finally {
                session.restore();
                JdbcDataSource.close(c);
            }
        }
    }

    /** Rows decoded from a binary COPY, one ahead. */
    private static final class CopyCursor extends Read {
        private final PostgresCopy.Reader reader;

        CopyCursor(Connection c, PostgresCopy.Reader reader, ExportType type, Session session, Runnable forgetCancel) {
            super(c, type, session, forgetCancel);
            this.reader = reader;
        }

        @Override
        public boolean next() {
            try {
                return !closed && reader.next(row);
            } catch (SQLException e) {
                throw Sql.error("reading " + type, e);
            }
        }

        @Override
        void end() {
            reader.cancel();
        }
    }

    /**
     * What a connection needs to stream a result, and how to give it back as it came: PostgreSQL reads the
     * whole result into memory unless the query runs in a transaction (autocommit off); H2 materialises the
     * whole result (in memory, then in a temporary file holding the rows in clear) before the first row unless
     * lazy query execution is on.
     */
    private static final class Session {
        private final Connection c;
        private final org.smsexport.support.SqlDialect dialect;
        private final boolean postgres;
        private final boolean h2;
        private final boolean autoCommit;
        private final boolean readOnly;
        /** The session's time zone as it came (H2, MariaDB), set back when the read ends. */
        private String zone;

        private Session(Connection c, org.smsexport.support.SqlDialect dialect) throws SQLException {
            this.c = c;
            this.dialect = dialect;
            this.postgres = dialect == org.smsexport.support.SqlDialect.POSTGRESQL;
            this.h2 = dialect == org.smsexport.support.SqlDialect.H2;
            this.autoCommit = c.getAutoCommit();
            this.readOnly = c.isReadOnly();
        }

        /**
         * Prepares a connection to stream, and to read and compare {@code TIMESTAMP WITHOUT TIME ZONE} as UTC on every
         * database: PostgreSQL's driver reads it so, MariaDB's and SQLite's values are read so, and H2 (which uses the
         * session's zone, by default the JVM's) is told to.
         */
        static Session streaming(Connection c) throws SQLException {
            Session s = new Session(c, org.smsexport.support.SqlDialect.of(c));
            try {
                SearchSql.prepare(c, s.dialect);
                if (s.postgres) {
                    c.setAutoCommit(false);
                    c.setReadOnly(true);
                    try (java.sql.Statement st = c.createStatement()) {
                        st.execute("SET LOCAL TIME ZONE 'UTC'"); // this transaction only: it ends in restore()
                    }
                }
                if (s.h2) {
                    try (java.sql.Statement st = c.createStatement()) {
                        try (ResultSet rs = st.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = "
                                + "'TIME ZONE'")) {
                            s.zone = rs.next() ? rs.getString(1) : null;
                        }
                        st.execute("SET TIME ZONE 'UTC'");
                        st.execute("SET LAZY_QUERY_EXECUTION TRUE");
                    }
                }
                if (s.dialect == org.smsexport.support.SqlDialect.MARIADB) {
                    try (java.sql.Statement st = c.createStatement()) {
                        try (ResultSet rs = st.executeQuery("SELECT @@session.time_zone")) {
                            s.zone = rs.next() ? rs.getString(1) : null;
                        }
                        st.execute("SET time_zone = '+00:00'");
                    }
                }
            } catch (SQLException e) {
                s.restore();
                throw e;
            }
            return s;
        }

        /** After a statement failed: PostgreSQL refuses the rest of the transaction, so it starts again (in UTC). */
        void recover() {
            if (postgres) {
                try (java.sql.Statement st = c.createStatement()) {
                    c.rollback();
                    st.execute("SET LOCAL TIME ZONE 'UTC'");
                } catch (SQLException e) {
                    // the next statement says what is wrong
                }
            }
        }

        /** Gives the connection back as it came (a pool hands it out again); never throws. */
        void restore() {
            if (postgres) {
                try {
                    c.rollback(); // read-only: nothing to keep; ends the transaction that held the cursor
                } catch (SQLException e) {
                    // the resets below matter more
                }
                try {
                    c.setReadOnly(readOnly);
                    c.setAutoCommit(autoCommit);
                } catch (SQLException e) {
                    // the connection is closed next anyway
                }
            }
            if (h2) {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("SET LAZY_QUERY_EXECUTION FALSE");
                    st.execute(zone == null ? "SET TIME ZONE LOCAL" : "SET TIME ZONE '" + zone.replace("'", "''") + "'");
                } catch (SQLException e) {
                    // the connection is closed next anyway
                }
            }
            if (dialect == org.smsexport.support.SqlDialect.MARIADB && zone != null) {
                try (PreparedStatement ps = c.prepareStatement("SET time_zone = ?")) {
                    ps.setString(1, zone);
                    ps.execute();
                } catch (SQLException e) {
                    // the connection is closed next anyway
                }
            }
        }
    }

    private TypeSql typeSql(ExportQuery query) {
        return typeSql(query, false);
    }

    private TypeSql typeSql(ExportQuery query, boolean fresh) {
        ExportType builtIn = ExportType.builtIn(query.type().name()).orElse(null);
        if (builtIn == null || !query.type().equals(query.type().changes() ? builtIn.withChanges() : builtIn)) {
            throw new ExportException("The JDBC data source serves the built-in types only, not '" + query.type().name() + "'.");
        }
        TypeSql t = resolved(fresh).get(query.type().name());
        if (t.problem != null) {
            throw new ExportException(t.problem);
        }
        if (query.changedSince().isPresent() && t.noChanges != null) {
            throw new ExportException(t.noChanges);
        }
        return t;
    }

    private static void bind(PreparedStatement ps, List<Object> params, org.smsexport.support.SqlDialect dialect) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            dialect.setObject(ps, i + 1, params.get(i));
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // the original error matters more
            }
        }
    }

    /** Reads one row ahead into typed Java values. */
    private static final class Cursor extends Read {
        private final PreparedStatement ps;
        private final ResultSet rs;
        private final ColumnType[] types;

        Cursor(Connection c, PreparedStatement ps, ResultSet rs, ExportType type, Session session, Runnable forgetCancel) {
            super(c, type, session, forgetCancel);
            this.ps = ps;
            this.rs = rs;
            this.types = type.columns().stream().map(col -> col.type()).toArray(ColumnType[]::new);
        }

        @Override
        public boolean next() {
            try {
                if (closed || !rs.next()) {
                    return false;
                }
                for (int i = 0; i < types.length; i++) {
                    row[i] = read(i + 1, types[i]);
                }
                return true;
            } catch (SQLException e) {
                throw Sql.error("reading " + type, e);
            }
        }

        private Object read(int col, ColumnType t) throws SQLException {
            switch (t) {
                case INTEGER:
                    long l = rs.getLong(col);
                    return rs.wasNull() ? null : l;
                case DECIMAL:
                    double d = rs.getDouble(col);
                    return rs.wasNull() ? null : d;
                case DATE:
                    if (session.dialect == org.smsexport.support.SqlDialect.SQLITE) {
                        String text = rs.getString(col); // ISO text, perhaps with a time after it
                        return text == null ? null : LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
                    }
                    return rs.getObject(col, LocalDate.class);
                case DATETIME:
                    return session.dialect.getInstant(rs, col);
                case BOOLEAN:
                    boolean b = rs.getBoolean(col);
                    return rs.wasNull() ? null : b;
                default:
                    return rs.getString(col);
            }
        }

        @Override
        void end() {
            try {
                rs.close();
                ps.close();
            } catch (SQLException e) {
                // the session is restored and the connection released next anyway
            }
        }
    }

    /**
     * The SQL of one export type as one database has its tables: select list in column order, joins, what each filter
     * attribute means; what it lacks ({@link #problem}: cannot export; {@link #warnings}: columns that export empty;
     * {@link #noChanges}: no delta exports).
     */
    private static final class TypeSql {
        final String[] select;
        final String from;
        final Map<String, String> attributes;
        /** The {@code deleted_at} of every table read, the exported one first; those the database lacks left out. */
        final List<String> deletedAt;
        /** The columns that say a row changed: its own created, updated and deleted times and its student's and course's. */
        final List<String> changed;
        /** Conditions every row meets (the joined rows exist). */
        final List<String> required = new ArrayList<>();
        /** Why the type cannot be exported from this database, or {@code null}. */
        final String problem;
        /** Why it cannot be exported as changes, or {@code null}. */
        final String noChanges;
        final List<String> warnings;
        /** The table the type reads, and its columns as read ({@code null} for one the database lacks), for {@code schema check}. */
        final String table;
        final Map<String, String> columns;

        private TypeSql(Builder b) {
            this.select = b.select;
            this.from = b.from;
            this.attributes = b.attributes;
            this.deletedAt = b.deletedAt;
            this.changed = b.changed;
            this.required.addAll(b.required);
            this.problem = b.problems.isEmpty() ? null : String.join(" ", b.problems);
            this.noChanges = b.noChanges;
            this.warnings = List.copyOf(b.warnings);
            this.table = b.table;
            this.columns = b.columns;
        }

        /** Collects one type's SQL, noting what the database lacks. */
        private static final class Builder {
            final ExportType type;
            final HostSchema h;
            String[] select;
            String from;
            Map<String, String> attributes = new HashMap<>();
            List<String> deletedAt = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            List<String> required = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            List<String> absent = new ArrayList<>();
            String noChanges;
            String table;
            Map<String, String> columns = new java.util.LinkedHashMap<>();

            Builder(ExportType type, HostSchema h) {
                this.type = type;
                this.h = h;
            }

            /** @return whether the table is there; when it is not, the type cannot be exported */
            boolean table(String logical) {
                if (h.table(logical) != null) {
                    return true;
                }
                problems.add("The database has no table " + String.join(" or ", h.tried(logical)) + " for " + type.name() + "; name it "
                        + "in the schema map (" + logical + ".table = NAME in --schema-map FILE, EXPORT_SCHEMA_MAP).");
                return false;
            }

            /** @return the column's SQL, or a typed {@code NULL} (and a note) when the database lacks it */
            String column(String alias, String logical, String column, ColumnType as) {
                boolean own = alias.equals(this.alias);
                if (h.has(logical, column)) {
                    String sql = alias + "." + h.column(logical, column);
                    if (own) {
                        columns.put(column, h.column(logical, column));
                    }
                    return sql;
                }
                if (own) {
                    columns.put(column, null);
                }
                if (h.table(logical) == null) {
                    return nothing(as);
                }
                if (SmsSchema.REQUIRED.get(logical).contains(column)) {
                    problems.add("Table " + h.table(logical) + " has no column " + h.column(logical, column) + ", which " + type.name()
                            + " needs; map it in the schema map (" + logical + "." + column + " = NAME).");
                } else if (!List.of("created_at", "updated_at", "deleted_at").contains(column)) {
                    absent.add(h.table(logical) + "." + h.column(logical, column));
                }
                return nothing(as);
            }

            String alias;

            /** @return a {@code NULL} of the column's type where the database wants one typed (H2, PostgreSQL) */
            String nothing(ColumnType as) {
                if (h.dialect() == org.smsexport.support.SqlDialect.MARIADB || h.dialect() == org.smsexport.support.SqlDialect.SQLITE) {
                    return "NULL";
                }
                switch (as) {
                    case INTEGER:
                        return "CAST(NULL AS BIGINT)";
                    case DECIMAL:
                        return "CAST(NULL AS DOUBLE PRECISION)";
                    case DATE:
                        return "CAST(NULL AS DATE)";
                    case DATETIME:
                        return "CAST(NULL AS TIMESTAMP)";
                    case BOOLEAN:
                        return "CAST(NULL AS BOOLEAN)";
                    default:
                        return "CAST(NULL AS VARCHAR(1))";
                }
            }

            /** @return whether an expression is a {@code NULL} for a column the database lacks */
            static boolean absent(String sql) {
                return sql.equals("NULL") || sql.startsWith("CAST(NULL");
            }

            /**
             * The exported table's change columns, and those of the students and courses its rows belong to: a row leaves
             * the full export when its student is soft-deleted and comes back when restored, and shows its student's name,
             * so a delta sends it again when its student or course changed.
             */
            void changes(String logical, String alias, List<String> joined) {
                String t = h.table(logical);
                List<String> lacking = new ArrayList<>();
                for (String c : List.of("created_at", "updated_at", "deleted_at")) {
                    if (t != null && !h.has(logical, c)) {
                        lacking.add(t + "." + c);
                    }
                }
                String createdAt = h.has(logical, "created_at") ? alias + "." + h.column(logical, "created_at") : null;
                String updatedAt = h.has(logical, "updated_at") ? alias + "." + h.column(logical, "updated_at") : null;
                String ownDeleted = h.has(logical, "deleted_at") ? alias + "." + h.column(logical, "deleted_at") : null;
                for (String c : new String[] {createdAt, updatedAt, ownDeleted}) {
                    if (c != null) {
                        changed.add(c);
                    }
                }
                if (ownDeleted != null) {
                    deletedAt.add(ownDeleted);
                } else if (t != null) {
                    warnings.add("Table " + t + " has no deleted_at column: no " + type.name() + " row is left out as deleted.");
                }
                for (String j : joined) {
                    String a = j.equals("students") ? "st" : "co";
                    if (h.has(j, "deleted_at")) {
                        deletedAt.add(a + "." + h.column(j, "deleted_at"));
                        changed.add(a + "." + h.column(j, "deleted_at"));
                    }
                    if (h.has(j, "updated_at")) {
                        changed.add(a + "." + h.column(j, "updated_at"));
                    } else if (h.table(j) != null) {
                        lacking.add(h.table(j) + ".updated_at");
                    }
                }
                if (!lacking.isEmpty()) {
                    noChanges = "Delta exports of " + type.name() + " need the columns " + String.join(", ", lacking) + ", which this "
                            + "database lacks (sms-export never changes the host's tables: 'sms-export schema --migrate-sql' prints "
                            + "what a database administrator can run, or map them in the schema map).";
                }
            }

            TypeSql build() {
                if (!absent.isEmpty()) {
                    warnings.add(0, "The database has no column " + String.join(", ", absent) + ": " + (absent.size() == 1 ? "it exports"
                            : "they export") + " empty, and a filter on " + (absent.size() == 1 ? "it" : "them") + " matches nothing.");
                }
                return new TypeSql(this);
            }
        }

        static TypeSql of(ExportType type, HostSchema h) {
            Builder b = new Builder(type, h);
            switch (type.name()) {
                case "students": {
                    b.alias = "st";
                    b.table = h.table("students");
                    b.table("students");
                    b.select = new String[type.columns().size()];
                    for (int i = 0; i < b.select.length; i++) {
                        String key = type.columns().get(i).key();
                        if (key.equals("status")) {
                            String active = b.column("st", "students", "is_active", ColumnType.BOOLEAN);
                            b.select[i] = Builder.absent(active) ? b.nothing(ColumnType.TEXT)
                                    : "CASE WHEN " + active + " THEN 'active' ELSE 'inactive' END";
                        } else {
                            b.select[i] = b.column("st", "students", key, type.columns().get(i).type());
                        }
                        b.attributes.put(key, b.select[i]);
                    }
                    b.from = h.table("students") + " st";
                    b.changes("students", "st", List.of());
                    return b.build();
                }
                case "courses": {
                    b.alias = "co";
                    b.table = h.table("courses");
                    b.table("courses");
                    b.select = new String[type.columns().size()];
                    for (int i = 0; i < b.select.length; i++) {
                        String key = type.columns().get(i).key();
                        b.select[i] = b.column("co", "courses", key, type.columns().get(i).type());
                        b.attributes.put(key, b.select[i]);
                    }
                    b.from = h.table("courses") + " co";
                    b.changes("courses", "co", List.of());
                    return b.build();
                }
                case "grades": {
                    b.alias = "g";
                    String grade = b.column("g", "grades", "grade", ColumnType.DECIMAL);
                    String max = b.column("g", "grades", "max_grade", ColumnType.DECIMAL);
                    Map<String, String> own = new HashMap<>();
                    for (String c : List.of("assignment_name", "category", "weight")) {
                        own.put(c, b.column("g", "grades", c, c.equals("weight") ? ColumnType.DECIMAL : ColumnType.TEXT));
                    }
                    own.put("date_assigned", b.column("g", "grades", "date_assigned", ColumnType.DATE));
                    own.put("date_submitted", b.column("g", "grades", "date_submitted", ColumnType.DATE));
                    own.put("grade", grade);
                    own.put("max_grade", max);
                    own.put("percentage", Builder.absent(max) ? b.nothing(ColumnType.DECIMAL)
                            : "CASE WHEN " + max + " > 0 THEN " + grade + " * 100.0 / " + max + " END");
                    return joined(b, "grades", own);
                }
                case "enrollments": {
                    b.alias = "e";
                    Map<String, String> own = new HashMap<>();
                    own.put("enrolled_at", b.column("e", "course_enrollments", "enrolled_at", ColumnType.DATE));
                    own.put("status", b.column("e", "course_enrollments", "status", ColumnType.TEXT));
                    return joined(b, "course_enrollments", own);
                }
                case "attendance": {
                    b.alias = "a";
                    Map<String, String> own = new HashMap<>();
                    own.put("date", b.column("a", "attendance", "date", ColumnType.DATE));
                    own.put("period_number", b.column("a", "attendance", "period_number", ColumnType.INTEGER));
                    own.put("status", b.column("a", "attendance", "status", ColumnType.TEXT));
                    own.put("notes", b.column("a", "attendance", "notes", ColumnType.TEXT));
                    return joined(b, "attendance", own);
                }
                default:
                    throw new IllegalArgumentException(type.name());
            }
        }

        /** A table of rows that belong to a student and a course, joined to both for names and codes. */
        private static TypeSql joined(Builder b, String table, Map<String, String> own) {
            HostSchema h = b.h;
            String alias = b.alias;
            b.table = h.table(table);
            boolean there = b.table(table) & b.table("students") & b.table("courses");
            b.attributes.putAll(own);
            b.attributes.put("id", b.column(alias, table, "id", ColumnType.INTEGER));
            b.attributes.put("student_id", b.column(alias, table, "student_id", ColumnType.INTEGER));
            b.attributes.put("course_id", b.column(alias, table, "course_id", ColumnType.INTEGER));
            String first = b.column("st", "students", "first_name", ColumnType.TEXT);
            String last = b.column("st", "students", "last_name", ColumnType.TEXT);
            String studentKey = b.column("st", "students", "id", ColumnType.INTEGER);
            String courseKey = b.column("co", "courses", "id", ColumnType.INTEGER);
            b.attributes.put("student_name", h.dialect().concat(first, "' '", last));
            b.attributes.put("course_code", b.column("co", "courses", "course_code", ColumnType.TEXT));
            b.attributes.put("course_name", b.column("co", "courses", "course_name", ColumnType.TEXT));
            b.select = new String[b.type.columns().size()];
            for (int i = 0; i < b.select.length; i++) {
                b.select[i] = b.attributes.get(b.type.columns().get(i).key());
            }
            if (there) {
                // LEFT JOIN + "IS NOT NULL" is an inner join that H2 keeps in this order: the exported table first, so its
                // primary key gives ORDER BY id and rows stream; as an inner join H2 starts from courses and sorts them all
                b.from = h.table(table) + " " + alias
                        + " LEFT JOIN " + h.table("students") + " st ON " + studentKey + " = " + b.attributes.get("student_id")
                        + " LEFT JOIN " + h.table("courses") + " co ON " + courseKey + " = " + b.attributes.get("course_id");
                b.required.add(studentKey + " IS NOT NULL");
                b.required.add(courseKey + " IS NOT NULL");
            }
            b.changes(table, alias, List.of("students", "courses"));
            return b.build();
        }

        /**
         * The rows an export reads. A full export: the live rows (neither they nor the student or course they belong to
         * soft-deleted) that match the filters. A delta export: every row that it, its student or its course changed at
         * or after the watermark — whether it is now in the full export or not decides upsert or delete (see
         * {@link #select}), so a filter or a parent's soft delete that takes a row out of the full export sends it out as
         * a delete.
         */
        String where(ExportQuery q, List<Object> params, org.smsexport.support.SqlDialect dialect) {
            List<String> conditions = new ArrayList<>(required);
            if (q.changedSince().isPresent()) {
                List<String> any = new ArrayList<>();
                for (String column : changed) {
                    any.add(column + " >= ?");
                    params.add(q.changedSince().get());
                }
                conditions.add("(" + String.join(" OR ", any) + ")");
            } else {
                for (String column : deletedAt) {
                    conditions.add(column + " IS NULL");
                }
                conditions.addAll(filters(q, params, dialect));
            }
            return conditions.isEmpty() ? "1 = 1" : String.join(" AND ", conditions);
        }

        /** @return the conditions of the query's filters, their values added to {@code params} */
        private List<String> filters(ExportQuery q, List<Object> params, org.smsexport.support.SqlDialect dialect) {
            List<String> conditions = new ArrayList<>();
            for (Map.Entry<String, Object> f : q.filters().entrySet()) {
                FilterSpec spec = q.type().filters().get(f.getKey());
                Object value = f.getValue();
                switch (spec.match()) {
                    case SEARCH: {
                        List<String> any = new ArrayList<>();
                        String like = SearchSql.pattern(value.toString(), dialect);
                        for (String attr : spec.attributes()) {
                            any.add(SearchSql.key(attributes.get(attr), dialect) + " LIKE ? ESCAPE '" + SearchSql.ESCAPE + "'");
                            params.add(like);
                        }
                        conditions.add("(" + String.join(" OR ", any) + ")");
                        break;
                    }
                    case EQUALS:
                        if (value instanceof String) {
                            conditions.add(SearchSql.lower(attributes.get(spec.attributes().get(0)), dialect) + " = ?");
                            params.add(((String) value).toLowerCase(Locale.ROOT));
                        } else {
                            conditions.add(attributes.get(spec.attributes().get(0)) + " = ?");
                            params.add(value);
                        }
                        break;
                    case AT_LEAST:
                        conditions.add(attributes.get(spec.attributes().get(0)) + " >= ?");
                        params.add(value);
                        break;
                    case AT_MOST:
                        conditions.add(attributes.get(spec.attributes().get(0)) + " <= ?");
                        params.add(value);
                        break;
                    default:
                        throw new AssertionError(spec.match());
                }
            }
            return conditions;
        }

        /**
         * The query of an export. A delta export reads the changed rows ({@link #where}) with whether each is in the full
         * export now — live and matching the filters: {@code upsert} with all its values, else {@code delete} with its
         * keys only (nothing personal goes out again).
         */
        String select(ExportQuery q, List<Object> params, org.smsexport.support.SqlDialect dialect) {
            StringBuilder sb = new StringBuilder("SELECT ");
            String id;
            if (!q.type().changes()) {
                sb.append(String.join(", ", select)).append(" FROM ").append(from).append(" WHERE ").append(where(q, params, dialect));
                id = attributes.get("id");
            } else {
                List<String> live = new ArrayList<>();
                for (String column : deletedAt) {
                    live.add(column + " IS NULL");
                }
                live.addAll(filters(q, params, dialect));
                List<String> inner = new ArrayList<>();
                for (int i = 0; i < select.length; i++) {
                    inner.add(select[i] + " AS c" + i);
                }
                inner.add(attributes.get("id") + " AS k_id");
                inner.add((live.isEmpty() ? "'upsert'" : "CASE WHEN " + String.join(" AND ", live) + " THEN 'upsert' ELSE 'delete' END")
                        + " AS k_change");
                java.util.Set<String> keys = q.type().keyColumns();
                List<String> outer = new ArrayList<>();
                for (int i = 0; i < select.length; i++) {
                    outer.add(keys.contains(q.type().columns().get(i).key()) ? "d.c" + i : "CASE WHEN d.k_change = 'upsert' THEN d.c" + i
                            + " END");
                }
                outer.add("d.k_change");
                sb.append(String.join(", ", outer)).append(" FROM (SELECT ").append(String.join(", ", inner)).append(" FROM ").append(from)
                        .append(" WHERE ").append(where(q, params, dialect)).append(") d");
                id = "d.k_id";
            }
            sb.append(" ORDER BY ");
            for (SortKey k : q.sort()) {
                sb.append(q.type().indexOf(k.column()) + 1).append(k.descending() ? " DESC, " : ", ");
            }
            sb.append(id);
            if (q.limit().isPresent()) {
                sb.append(" LIMIT ?");
                params.add(q.limit().getAsLong());
            }
            return sb.toString();
        }
    }

    /** Opens connections with {@link DriverManager}. */
    private static final class DriverManagerSource implements javax.sql.DataSource {
        private final String url;
        private final String user;
        private final String password;

        DriverManagerSource(String url, String user, String password) {
            this.url = Objects.requireNonNull(url, "url");
            this.user = user;
            this.password = password;
        }

        @Override
        public Connection getConnection() throws SQLException {
            try {
                return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
            } catch (SQLException e) {
                // drivers quote the URL ("No suitable driver found for …"): never with its password
                String masked = JdbcUrls.mask(e.getMessage());
                if (java.util.Objects.equals(masked, e.getMessage())) {
                    throw e;
                }
                SQLException safe = new SQLException(masked, e.getSQLState(), e.getErrorCode());
                safe.setStackTrace(e.getStackTrace());
                throw safe;
            }
        }

        @Override
        public Connection getConnection(String u, String p) throws SQLException {
            return DriverManager.getConnection(url, u, p);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
            DriverManager.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() {
            return DriverManager.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("Not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }

        @Override
        public String toString() {
            return "DriverManager[" + url + "]"; // never the password
        }
    }
}
