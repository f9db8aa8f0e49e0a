package org.smsexport.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.smsexport.FilterSpec;

/**
 * The functions a SQLite connection is given for search ({@link SearchSql#SQLITE_FUNCTION}: {@link FilterSpec#searchKey}
 * itself) and for lower case beyond ASCII ({@link SearchSql#SQLITE_LOWER}). Loaded only for SQLite, so the rest of the
 * library runs without sqlite-jdbc on the class path.
 */
final class SqliteFunctions {

    private SqliteFunctions() {
    }

    static void register(Connection c) throws SQLException {
        register(c, SearchSql.SQLITE_FUNCTION, FilterSpec::searchKey);
        register(c, SearchSql.SQLITE_LOWER, value -> value.toLowerCase(java.util.Locale.ROOT));
    }

    /** Gives the connection a deterministic function of one text argument; {@code NULL} stays {@code NULL}. */
    private static void register(Connection c, String name, java.util.function.UnaryOperator<String> f) throws SQLException {
        org.sqlite.Function.create(c.unwrap(org.sqlite.SQLiteConnection.class), name, new org.sqlite.Function() {
            @Override
            protected void xFunc() throws SQLException {
                String value = value_text(0);
                if (value == null) {
                    result();
                } else {
                    result(f.apply(value));
                }
            }
        }, 1, org.sqlite.Function.FLAG_DETERMINISTIC);
    }
}
