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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
    private final Map<String, TypeSql> sql = new HashMap<>();

    private JdbcDataSource(javax.sql.DataSource db, SmsSchema schema, int fetchSize) {
        this.db = Objects.requireNonNull(db, "dataSource");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.fetchSize = fetchSize;
        for (ExportType t : ExportType.builtIns()) {
            sql.put(t.name(), TypeSql.of(t, schema));
        }
    }

    /**
     * @param db the database
     * @return a source over the original SMS table names, fetch size 1,000
     */
    public static JdbcDataSource of(javax.sql.DataSource db) {
        return new JdbcDataSource(db, SmsSchema.standard(), 1_000);
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
        return new JdbcDataSource(db, schema, fetchSize);
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
     * Checks that the database answers and has the tables and columns a type needs, without reading rows.
     *
     * @param type a built-in type
     * @throws ExportException with the database's reason and a hint (wrong URL or password, missing table)
     */
    public void check(ExportType type) {
        TypeSql t = typeSql(ExportQuery.all(type));
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + String.join(", ", t.select) + " FROM " + t.from + " WHERE 1 = 0");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
        } catch (SQLException e) {
            throw Sql.error("checking the " + type.name() + " tables", e);
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
            String text = "SELECT COUNT(*) FROM " + t.from + " WHERE " + t.where(query, params, SearchSql.Dialect.of(c));
            try (PreparedStatement ps = c.prepareStatement(text)) {
                bind(ps, params);
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
            bind(ps, params);
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
     * What a connection needs to stream a result, and how to give it back as it came: PostgreSQL reads the
     * whole result into memory unless the query runs in a transaction (autocommit off); H2 materialises the
     * whole result (in memory, then in a temporary file holding the rows in clear) before the first row unless
     * lazy query execution is on.
     */
    private static final class Session {
        private final Connection c;
        private final SearchSql.Dialect dialect;
        private final boolean postgres;
        private final boolean h2;
        private final boolean autoCommit;
        private final boolean readOnly;

        private Session(Connection c, SearchSql.Dialect dialect) throws SQLException {
            this.c = c;
            this.dialect = dialect;
            this.postgres = dialect == SearchSql.Dialect.POSTGRESQL;
            this.h2 = dialect == SearchSql.Dialect.H2;
            this.autoCommit = c.getAutoCommit();
            this.readOnly = c.isReadOnly();
        }

        static Session streaming(Connection c) throws SQLException {
            Session s = new Session(c, SearchSql.Dialect.of(c));
            try {
                if (s.postgres) {
                    c.setAutoCommit(false);
                    c.setReadOnly(true);
                }
                if (s.h2) {
                    try (java.sql.Statement st = c.createStatement()) {
                        st.execute("SET LAZY_QUERY_EXECUTION TRUE");
                    }
                }
            } catch (SQLException e) {
                s.restore();
                throw e;
            }
            return s;
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
                } catch (SQLException e) {
                    // the connection is closed next anyway
                }
            }
        }
    }

    private TypeSql typeSql(ExportQuery query) {
        TypeSql t = sql.get(query.type().name());
        ExportType builtIn = ExportType.builtIn(query.type().name()).orElse(null);
        if (t == null || !query.type().equals(query.type().changes() ? builtIn.withChanges() : builtIn)) {
            throw new ExportException("The JDBC data source serves the built-in types only, not '" + query.type().name() + "'.");
        }
        return t;
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof Instant) {
                ps.setObject(i + 1, ((Instant) p).atOffset(ZoneOffset.UTC));
            } else {
                ps.setObject(i + 1, p);
            }
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
    private static final class Cursor implements RowCursor {
        private final Connection c;
        private final PreparedStatement ps;
        private final ResultSet rs;
        private final ColumnType[] types;
        private final Object[] row;
        private final String type;
        private final Session session;
        private final Runnable forgetCancel;
        private boolean closed;

        Cursor(Connection c, PreparedStatement ps, ResultSet rs, ExportType type, Session session, Runnable forgetCancel) {
            this.forgetCancel = forgetCancel;
            this.c = c;
            this.ps = ps;
            this.rs = rs;
            this.types = type.columns().stream().map(col -> col.type()).toArray(ColumnType[]::new);
            this.row = new Object[types.length];
            this.type = type.name();
            this.session = session;
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
                    return rs.getObject(col, LocalDate.class);
                case DATETIME:
                    OffsetDateTime o = rs.getObject(col, OffsetDateTime.class);
                    return o == null ? null : o.toInstant();
                case BOOLEAN:
                    boolean b = rs.getBoolean(col);
                    return rs.wasNull() ? null : b;
                default:
                    return rs.getString(col);
            }
        }

        @Override
        public Object get(int column) {
            return row[column];
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            forgetCancel.run();
            try {
                rs.close();
                ps.close();
            } catch (SQLException e) {
                // the session is restored and the connection released below anyway
            } finally {
                session.restore();
                JdbcDataSource.close(c);
            }
        }
    }

    /** The SQL of one export type: select list in column order, joins, and what each filter attribute means. */
    private static final class TypeSql {
        final String[] select;
        final String from;
        final String updatedAt;
        final String createdAt;
        final Map<String, String> attributes;
        final List<String> deletedAt;
        /** Conditions every row meets (the joined rows exist). */
        final List<String> required = new ArrayList<>();

        TypeSql(String[] select, String from, String updatedAt, String createdAt, Map<String, String> attributes, List<String> deletedAt) {
            this.select = select;
            this.from = from;
            this.updatedAt = updatedAt;
            this.createdAt = createdAt;
            this.attributes = attributes;
            this.deletedAt = deletedAt;
        }

        static TypeSql of(ExportType type, SmsSchema s) {
            switch (type.name()) {
                case "students": {
                    String[] sel = new String[type.columns().size()];
                    Map<String, String> attrs = new HashMap<>();
                    for (int i = 0; i < sel.length; i++) {
                        String key = type.columns().get(i).key();
                        sel[i] = key.equals("status")
                                ? "CASE WHEN st." + s.column("students", "is_active") + " THEN 'active' ELSE 'inactive' END"
                                : "st." + s.column("students", key);
                        attrs.put(key, sel[i]);
                    }
                    return new TypeSql(sel, s.table("students") + " st", "st." + s.column("students", "updated_at"),
                            "st." + s.column("students", "created_at"), attrs,
                            List.of("st." + s.column("students", "deleted_at")));
                }
                case "courses": {
                    String[] sel = new String[type.columns().size()];
                    Map<String, String> attrs = new HashMap<>();
                    for (int i = 0; i < sel.length; i++) {
                        String key = type.columns().get(i).key();
                        sel[i] = "co." + s.column("courses", key);
                        attrs.put(key, sel[i]);
                    }
                    return new TypeSql(sel, s.table("courses") + " co", "co." + s.column("courses", "updated_at"),
                            "co." + s.column("courses", "created_at"), attrs,
                            List.of("co." + s.column("courses", "deleted_at")));
                }
                case "grades":
                    return joined(type, s, "grades", "g", Map.of("assignment_name", "g." + s.column("grades", "assignment_name"),
                            "category", "g." + s.column("grades", "category"), "grade", "g." + s.column("grades", "grade"),
                            "max_grade", "g." + s.column("grades", "max_grade"),
                            "percentage", "CASE WHEN g." + s.column("grades", "max_grade") + " > 0 THEN g." + s.column("grades", "grade")
                                    + " * 100.0 / g." + s.column("grades", "max_grade") + " END",
                            "weight", "g." + s.column("grades", "weight"), "date_assigned", "g." + s.column("grades", "date_assigned"),
                            "date_submitted", "g." + s.column("grades", "date_submitted")));
                case "enrollments":
                    return joined(type, s, "course_enrollments", "e", Map.of(
                            "enrolled_at", "e." + s.column("course_enrollments", "enrolled_at"),
                            "status", "e." + s.column("course_enrollments", "status")));
                case "attendance":
                    return joined(type, s, "attendance", "a", Map.of("date", "a." + s.column("attendance", "date"),
                            "period_number", "a." + s.column("attendance", "period_number"),
                            "status", "a." + s.column("attendance", "status"), "notes", "a." + s.column("attendance", "notes")));
                default:
                    throw new IllegalArgumentException(type.name());
            }
        }

        /** A table of rows that belong to a student and a course, joined to both for names and codes. */
        private static TypeSql joined(ExportType type, SmsSchema s, String table, String alias, Map<String, String> own) {
            Map<String, String> attrs = new HashMap<>(own);
            attrs.put("id", alias + "." + s.column(table, "id"));
            attrs.put("student_id", alias + "." + s.column(table, "student_id"));
            attrs.put("course_id", alias + "." + s.column(table, "course_id"));
            attrs.put("student_name", "st." + s.column("students", "first_name") + " || ' ' || st." + s.column("students", "last_name"));
            attrs.put("course_code", "co." + s.column("courses", "course_code"));
            attrs.put("course_name", "co." + s.column("courses", "course_name"));
            String[] sel = new String[type.columns().size()];
            for (int i = 0; i < sel.length; i++) {
                sel[i] = attrs.get(type.columns().get(i).key());
            }
            // LEFT JOIN + "IS NOT NULL" is an inner join that H2 keeps in this order: the exported table first, so its
            // primary key gives ORDER BY id and rows stream; as an inner join H2 starts from courses and sorts them all
            String from = s.table(table) + " " + alias
                    + " LEFT JOIN " + s.table("students") + " st ON st." + s.column("students", "id") + " = " + alias + "."
                    + s.column(table, "student_id")
                    + " LEFT JOIN " + s.table("courses") + " co ON co." + s.column("courses", "id") + " = " + alias + "."
                    + s.column(table, "course_id");
            TypeSql t = new TypeSql(sel, from, alias + "." + s.column(table, "updated_at"), alias + "." + s.column(table, "created_at"), attrs,
                    List.of(alias + "." + s.column(table,
                    "deleted_at"), "st." + s.column("students", "deleted_at"), "co." + s.column("courses", "deleted_at")));
            t.required.add("st." + s.column("students", "id") + " IS NOT NULL");
            t.required.add("co." + s.column("courses", "id") + " IS NOT NULL");
            return t;
        }

        String where(ExportQuery q, List<Object> params, SearchSql.Dialect dialect) {
            List<String> conditions = new ArrayList<>();
            conditions.addAll(required);
            for (String column : deletedAt) {
                // a delta export keeps the exported table's rows deleted since the watermark: they come out as deletes
                if (q.changedSince().isPresent() && column.equals(deletedAt.get(0))) {
                    conditions.add("(" + column + " IS NULL OR " + column + " >= ?)");
                    params.add(q.changedSince().get());
                } else {
                    conditions.add(column + " IS NULL");
                }
            }
            for (Map.Entry<String, Object> f : q.filters().entrySet()) {
                FilterSpec spec = q.type().filters().get(f.getKey());
                Object value = f.getValue();
                switch (spec.match()) {
                    case SEARCH: {
                        List<String> any = new ArrayList<>();
                        String like = SearchSql.pattern(value.toString(), dialect);
                        for (String attr : spec.attributes()) {
                            any.add(SearchSql.key(attributes.get(attr), dialect) + " LIKE ? ESCAPE '\\'");
                            params.add(like);
                        }
                        conditions.add("(" + String.join(" OR ", any) + ")");
                        break;
                    }
                    case EQUALS:
                        if (value instanceof String) {
                            conditions.add("LOWER(" + attributes.get(spec.attributes().get(0)) + ") = ?");
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
            q.changedSince().ifPresent(since -> {
                conditions.add("(" + createdAt + " >= ? OR " + updatedAt + " >= ? OR " + deletedAt.get(0) + " >= ?)");
                params.add(since);
                params.add(since);
                params.add(since);
            });
            return String.join(" AND ", conditions);
        }

        /** @return the select list: the type's columns, and for a delta export a deleted row's keys only and its change */
        List<String> selectList(ExportType type) {
            if (!type.changes()) {
                return List.of(select);
            }
            String own = deletedAt.get(0);
            java.util.Set<String> keys = type.keyColumns();
            List<String> out = new ArrayList<>();
            for (int i = 0; i < select.length; i++) {
                out.add(keys.contains(type.columns().get(i).key()) ? select[i] : "CASE WHEN " + own + " IS NULL THEN " + select[i] + " END");
            }
            out.add("CASE WHEN " + own + " IS NULL THEN 'upsert' ELSE 'delete' END");
            return out;
        }

        String select(ExportQuery q, List<Object> params, SearchSql.Dialect dialect) {
            StringBuilder sb = new StringBuilder("SELECT ").append(String.join(", ", selectList(q.type()))).append(" FROM ").append(from)
                    .append(" WHERE ").append(where(q, params, dialect)).append(" ORDER BY ");
            for (SortKey k : q.sort()) {
                sb.append(q.type().indexOf(k.column()) + 1).append(k.descending() ? " DESC, " : ", ");
            }
            sb.append(attributes.get("id"));
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
