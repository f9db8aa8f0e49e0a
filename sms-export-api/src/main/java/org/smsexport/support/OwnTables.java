package org.smsexport.support;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.ExportException;
import org.smsexport.InvalidRequestException;

/**
 * The tables sms-export keeps in a host's database, all named with one prefix ({@value #DEFAULT_PREFIX} by default,
 * {@code EXPORT_TABLE_PREFIX}), and the rule that keeps the host's tables safe: the library changes only tables it
 * created. A table is recognised as ours by columns only ours have; a table of our name that lacks them is the host's,
 * and is an error naming it and the prefix setting — never altered, never dropped. A table an earlier version created
 * without the prefix ({@code export_jobs}, …) is renamed to the prefixed name once, and the log says so.
 */
public final class OwnTables {

    private static final Logger LOG = LoggerFactory.getLogger(OwnTables.class);

    /** {@code EXPORT_TABLE_PREFIX}: the prefix of every table the library creates. */
    public static final String DEFAULT_PREFIX = "sms_export_";

    /** The setting's name. */
    public static final String SETTING = "EXPORT_TABLE_PREFIX";

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,30}");

    private OwnTables() {
    }

    /**
     * @param prefix a table prefix
     * @return it, checked: lower-case letters, digits and underscores, starting with a letter, at most 31 characters
     * @throws InvalidRequestException naming it and the rule
     */
    public static String checkPrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new InvalidRequestException(SETTING + "='" + prefix + "' is not a table prefix: lower-case letters, digits and "
                    + "underscores, starting with a letter, at most 31 characters (default " + DEFAULT_PREFIX + ").");
        }
        return prefix;
    }

    /**
     * @param settings settings that may name {@code EXPORT_TABLE_PREFIX}
     * @return the prefix they name, checked, or {@value #DEFAULT_PREFIX}
     */
    public static String prefix(java.util.Map<String, String> settings) {
        String p = settings.get(SETTING);
        return p == null || p.isBlank() ? DEFAULT_PREFIX : checkPrefix(p.strip());
    }

    /**
     * Makes way for one of our tables before its {@code CREATE TABLE IF NOT EXISTS}: accepts it when it is there and ours,
     * renames our unprefixed table of an earlier version to it, and refuses a table of that name that is the host's.
     *
     * @param c       a connection
     * @param table   our table's name (with its prefix)
     * @param legacy  the name an earlier version gave it, or {@code null}
     * @param columns columns only our table has (lower case)
     * @return the columns of the table, in lower case, when it is there now (so no {@code CREATE} is needed); empty when
     *         it is to be created
     * @throws ExportException when a table of that name is not ours, naming it and {@code EXPORT_TABLE_PREFIX}
     * @throws SQLException    when the database fails
     */
    public static Set<String> prepare(Connection c, String table, String legacy, List<String> columns) throws SQLException {
        Set<String> found = columns(c, table);
        if (found != null) {
            requireOurs(table, found, columns);
            return found;
        }
        if (legacy != null && !legacy.equals(table)) {
            Set<String> old = columns(c, legacy);
            if (old != null && old.containsAll(columns)) {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE " + legacy + " RENAME TO " + table);
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                LOG.info("Renamed sms-export's table {} (made by an earlier version) to {}", legacy, table);
                return old;
            }
        }
        return Set.of();
    }

    /**
     * @param c       a connection
     * @param table   a table's name
     * @param columns columns only our table has (lower case)
     * @return whether the table exists and is ours
     * @throws ExportException when a table of that name exists and is not ours
     * @throws SQLException    when the database fails
     */
    public static boolean isOurs(Connection c, String table, List<String> columns) throws SQLException {
        Set<String> found = columns(c, table);
        if (found == null) {
            return false;
        }
        requireOurs(table, found, columns);
        return true;
    }

    /**
     * For a {@code CREATE TABLE IF NOT EXISTS} that failed: PostgreSQL refuses the second of two sessions creating one table
     * at the same moment (nodes starting together), and the table is then there, made by the other.
     *
     * @param db      the database
     * @param table   our table's name
     * @param columns columns only our table has (lower case)
     * @return whether the table is there now and is ours
     */
    public static boolean madeMeanwhile(javax.sql.DataSource db, String table, List<String> columns) {
        try (Connection c = db.getConnection()) {
            return isOurs(c, table, columns);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static void requireOurs(String table, Set<String> found, List<String> columns) {
        if (!found.containsAll(columns)) {
            throw new ExportException("The table " + table + " exists and is not sms-export's (it has no " + columns.stream()
                    .filter(x -> !found.contains(x)).toList() + "); sms-export never changes a table it did not create. Give its tables "
                    + "another prefix with " + SETTING + " (sms.export.table-prefix), e.g. " + DEFAULT_PREFIX + "v2_.");
        }
    }

    /** @return the table's columns in lower case, or {@code null} when there is no such table */
    private static Set<String> columns(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        // this database and schema only: MariaDB's metadata answers for every database on the server when no catalog is named
        String catalog = c.getCatalog();
        String schema = schema(c);
        for (String name : new String[] {table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)}) {
            boolean exists = false;
            try (ResultSet rs = md.getTables(catalog, schema, name, new String[] {"TABLE"})) {
                while (rs.next()) {
                    exists |= rs.getString("TABLE_NAME").equals(name); // '_' is a wildcard in the pattern
                }
            }
            if (exists) {
                Set<String> out = new LinkedHashSet<>();
                try (ResultSet rs = md.getColumns(catalog, schema, name, null)) {
                    while (rs.next()) {
                        if (rs.getString("TABLE_NAME").equals(name)) {
                            out.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                        }
                    }
                }
                return out;
            }
        }
        return null;
    }

    /** @return the connection's current schema, or {@code null} where the driver has none (MariaDB, SQLite) */
    private static String schema(Connection c) {
        try {
            return c.getSchema();
        } catch (SQLException | AbstractMethodError e) {
            return null;
        }
    }
}
