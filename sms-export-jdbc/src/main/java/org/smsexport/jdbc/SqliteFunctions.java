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
        org.sqlite.Function.create(c.unwrap(org.sqlite.SQLiteConnection.class), SearchSql.SQLITE_FUNCTION, new org.sqlite.Function() {
            @Override
            protected void xFunc() throws SQLException {
                String value = value_text(0);
                if (value == null) {
                    result();
                } else {
                    result(FilterSpec.searchKey(value));
                }
            }
        }, 1, org.sqlite.Function.FLAG_DETERMINISTIC);
        org.sqlite.Function.create(c.unwrap(org.sqlite.SQLiteConnection.class), SearchSql.SQLITE_LOWER, new org.sqlite.Function() {
            @Override
            protected void xFunc() throws SQLException {
                String value = value_text(0);
                if (value == null) {
                    result();
                } else {
                    result(value.toLowerCase(java.util.Locale.ROOT));
                }
            }
        }, 1, org.sqlite.Function.FLAG_DETERMINISTIC);
    }
}
