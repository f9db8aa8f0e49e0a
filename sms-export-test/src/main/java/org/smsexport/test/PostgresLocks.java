package org.smsexport.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Table locks on PostgreSQL for tests of exports that wait on one: hold a lock in a session of the test's, and see who
 * waits ({@code pg_stat_activity}).
 */
public final class PostgresLocks {

    private PostgresLocks() {
    }

    /**
     * Locks a table in a transaction of {@code locker} until it commits or rolls back.
     *
     * @param locker a connection of the test's (its autocommit is turned off)
     * @param table  the table, locked {@code IN ACCESS EXCLUSIVE MODE}
     * @return the locking session's pid
     * @throws SQLException when the database refuses
     */
    public static int lock(Connection locker, String table) throws SQLException {
        locker.setAutoCommit(false);
        try (Statement s = locker.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            int pid = rs.getInt(1);
            s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            return pid;
        }
    }

    /**
     * @param watcher a connection to the database
     * @param except  a session not to count (the locker's pid)
     * @return how many other sessions of this database wait on a lock
     * @throws SQLException when the database refuses
     */
    public static int waiting(Connection watcher, int except) throws SQLException {
        try (Statement s = watcher.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = "
                + "current_database() AND wait_event_type = 'Lock' AND pid <> " + except)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
