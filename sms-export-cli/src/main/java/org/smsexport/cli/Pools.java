package org.smsexport.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * One HikariCP pool per database a command talks to (PostgreSQL, MariaDB/MySQL): the job store, the queue, the nodes
 * and the audit trail ask the database several times per job, and without a pool each call opened a connection — a
 * new server process on PostgreSQL, about as long as a small export itself. {@code EXPORT_DB_POOL_SIZE} connections
 * at most (default 10), one kept idle; a database that is down at start is not an error until it is used (as
 * before), and a caller waits at most 10 seconds for a connection. Never closed by a shutdown hook: the JVM runs its
 * hooks at once, and the service's own (which leaves the node list, fails or hands back its jobs) needs the pool to the
 * end; the pool's threads are daemons and the server closes the connections of an ended process.
 */
final class Pools {

    private static final Map<String, HikariDataSource> POOLS = new ConcurrentHashMap<>();

    private Pools() {
    }

    /** @return the pool of this URL and user, made on first use */
    static DataSource of(String url, String user, String password) {
        return POOLS.computeIfAbsent(url + "\u0000" + (user == null ? "" : user), k -> {
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(url);
            c.setUsername(user);
            c.setPassword(password);
            c.setPoolName("sms-export-db");
            c.setMaximumPoolSize(size());
            c.setMinimumIdle(1);
            c.setConnectionTimeout(10_000);
            c.setInitializationFailTimeout(-1);
            return new HikariDataSource(c);
        });
    }

    private static int size() {
        String v = System.getenv("EXPORT_DB_POOL_SIZE");
        if (v == null || v.isBlank()) {
            return 10;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 2 && n <= 200) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new org.smsexport.InvalidRequestException("EXPORT_DB_POOL_SIZE must be a number from 2 to 200, got '" + v + "'.");
    }
}
