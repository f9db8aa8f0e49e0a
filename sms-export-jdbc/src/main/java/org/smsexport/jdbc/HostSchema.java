package org.smsexport.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The SMS tables as one database has them: which table stands for each logical table (its mapped name, else the
 * standard one, else a known alternative such as {@code attendances}), and which of its columns exist. Read from the
 * database's metadata, never by running a query on the host's tables, and never changing them. Immutable.
 */
final class HostSchema {

    /** The name used in SQL for each logical table, or {@code null} when the database has none. */
    private final Map<String, String> tables;
    /** The columns (lower case) each found table has. */
    private final Map<String, Set<String>> columns;
    private final SmsSchema names;
    private final org.smsexport.support.SqlDialect dialect;

    private HostSchema(SmsSchema names, Map<String, String> tables, Map<String, Set<String>> columns,
            org.smsexport.support.SqlDialect dialect) {
        this.names = names;
        this.tables = tables;
        this.columns = columns;
        this.dialect = dialect;
    }

    /** @return the database's dialect */
    org.smsexport.support.SqlDialect dialect() {
        return dialect;
    }

    /**
     * @param c     a connection to the database
     * @param names the mapped names
     * @return what the database has
     * @throws SQLException when its metadata cannot be read
     */
    static HostSchema read(Connection c, SmsSchema names) throws SQLException {
        org.smsexport.support.SqlDialect dialect = org.smsexport.support.SqlDialect.of(c);
        DatabaseMetaData meta = c.getMetaData();
        String schema = currentSchema(c);
        Map<String, String> t = new LinkedHashMap<>();
        Map<String, Set<String>> cols = new LinkedHashMap<>();
        for (String logical : SmsSchema.TABLES.keySet()) {
            List<String> candidates = new ArrayList<>();
            candidates.add(names.table(logical));
            if (!names.tableMapped(logical)) {
                candidates.addAll(SmsSchema.ALTERNATIVES.getOrDefault(logical, List.of()));
            }
            for (String candidate : candidates) {
                Set<String> found = columns(meta, dialect, c.getCatalog(), schema, candidate);
                if (found != null) {
                    t.put(logical, candidate);
                    cols.put(logical, found);
                    break;
                }
            }
            t.putIfAbsent(logical, null);
        }
        return new HostSchema(names, t, cols, dialect);
    }

    private static String currentSchema(Connection c) {
        try {
            return c.getSchema();
        } catch (SQLException | AbstractMethodError e) {
            return null;
        }
    }

    /**
     * PostgreSQL's catalog, read without taking any lock: the driver's {@code getColumns} formats column defaults with
     * {@code pg_get_expr}, which waits for a lock another session holds on the table (a migration's {@code ALTER TABLE}),
     * where no cancel can reach it.
     */
    private static final String PG_COLUMNS = "SELECT a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = "
            + "a.attrelid WHERE c.relname = ? AND c.relkind IN ('r', 'v', 'm', 'p', 'f') AND pg_catalog.pg_table_is_visible(c.oid) "
            + "AND a.attnum > 0 AND NOT a.attisdropped";

    /** @return the table's columns in lower case, or {@code null} when it (as a table or view) does not exist */
    private static Set<String> columns(DatabaseMetaData meta, org.smsexport.support.SqlDialect dialect, String catalog, String schema,
            String table) throws SQLException {
        if (dialect == org.smsexport.support.SqlDialect.POSTGRESQL) {
            for (String name : new LinkedHashSet<>(List.of(table.toLowerCase(Locale.ROOT), table))) {
                Set<String> found = new LinkedHashSet<>();
                try (java.sql.PreparedStatement ps = meta.getConnection().prepareStatement(PG_COLUMNS)) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            found.add(rs.getString(1).toLowerCase(Locale.ROOT));
                        }
                    }
                }
                if (!found.isEmpty()) {
                    return found;
                }
            }
            return null;
        }
        // unquoted identifiers: H2 keeps them upper case, PostgreSQL lower case, others as written
        for (String name : new LinkedHashSet<>(List.of(table, table.toLowerCase(Locale.ROOT), table.toUpperCase(Locale.ROOT)))) {
            Set<String> found = new LinkedHashSet<>();
            try (ResultSet rs = meta.getColumns(catalog, schema, escape(meta, name), "%")) {
                while (rs.next()) {
                    if (rs.getString("TABLE_NAME").equalsIgnoreCase(table)) {
                        found.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (!found.isEmpty()) {
                return found;
            }
        }
        return null;
    }

    private static String escape(DatabaseMetaData meta, String name) throws SQLException {
        String esc = meta.getSearchStringEscape();
        return esc == null || esc.isEmpty() ? name : name.replace("_", esc + "_").replace("%", esc + "%");
    }

    /** @return the table's name in SQL, or {@code null} when the database has none for it */
    String table(String logical) {
        return tables.get(logical);
    }

    /** @return the names tried for a table, for a message */
    List<String> tried(String logical) {
        List<String> out = new ArrayList<>(List.of(names.table(logical)));
        if (!names.tableMapped(logical)) {
            out.addAll(SmsSchema.ALTERNATIVES.getOrDefault(logical, List.of()));
        }
        return out;
    }

    /** @return whether the table exists and has the logical column (under its mapped name) */
    boolean has(String logical, String column) {
        Set<String> cols = columns.get(logical);
        return cols != null && cols.contains(names.column(logical, column).toLowerCase(Locale.ROOT));
    }

    /** @return the column's name in SQL */
    String column(String logical, String column) {
        return names.column(logical, column);
    }
}
