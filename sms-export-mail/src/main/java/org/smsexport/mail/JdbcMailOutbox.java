package org.smsexport.mail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.smsexport.ExportException;

/**
 * {@link MailOutbox} in the table {@code sms_export_notifications} ({@code <prefix>notifications}); claims are guarded updates, so one node sends each. A
 * claim records a token of its own ({@code claimed_by}: node and a random part) and a lease end by the database's clock
 * ({@code claimed_until}); settling a message requires that token, so a node whose lease ran out writes nothing over the
 * node that claimed the message after it.
 */
final class JdbcMailOutbox implements MailOutbox {

    private static final String COLUMNS = "id, job_id, recipient, subject, body_text, body_html, attachment, created_at, attempts, "
            + "next_attempt_at, last_error, status";

    private final DataSource db;
    /** The claim token of each message this outbox holds. */
    private final java.util.Map<String, String> claims = new java.util.concurrent.ConcurrentHashMap<>();

    private final String table;
    private final org.smsexport.support.SqlDialect dialect;

    private JdbcMailOutbox(DataSource db, String table, org.smsexport.support.SqlDialect dialect) {
        this.db = db;
        this.table = table;
        this.dialect = dialect;
    }

    /** @return the statements that create the outbox table in the database's types */
    static List<String> ddl(String prefix, org.smsexport.support.SqlDialect dialect) {
        String table = org.smsexport.support.OwnTables.checkPrefix(prefix) + "notifications";
        String text = dialect == org.smsexport.support.SqlDialect.H2 ? "CLOB"
                : dialect == org.smsexport.support.SqlDialect.MARIADB ? "LONGTEXT" : "TEXT";
        String ts = dialect.timestamp();
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (id VARCHAR(40) PRIMARY KEY, job_id VARCHAR(64) NOT NULL, "
                + "recipient VARCHAR(320) NOT NULL, subject VARCHAR(1000) NOT NULL, body_text " + text + " NOT NULL, body_html "
                + text + " NOT NULL, attachment VARCHAR(1024), created_at " + ts + " NOT NULL, "
                + "attempts INTEGER NOT NULL, next_attempt_at " + ts + " NOT NULL, last_error VARCHAR(1000), "
                + "status VARCHAR(16) NOT NULL, claimed_by VARCHAR(200), claimed_until " + ts + ", sent_at " + ts + ")",
                "CREATE INDEX IF NOT EXISTS " + table + "_due ON " + table + " (status, next_attempt_at)");
    }

    static JdbcMailOutbox create(DataSource db, String prefix) {
        String table = org.smsexport.support.OwnTables.checkPrefix(prefix) + "notifications";
        org.smsexport.support.SqlDialect dialect = org.smsexport.support.SqlDialect.of(db);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            // no DDL when the table is there: a DDL statement waits for every lock other nodes hold on the database
            if (org.smsexport.support.OwnTables.prepare(c, table, "export_notifications", List.of("claimed_by", "claimed_until",
                    "next_attempt_at", "body_html")).isEmpty()) {
                for (String sql : ddl(prefix, dialect)) {
                    dialect.execute(s, sql);
                }
            }
            // settled messages are kept 30 days, for the record; their bodies went when they were settled
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE status <> 'PENDING' "
                    + "AND next_attempt_at < ?")) {
                dialect.setInstant(ps, 1, Instant.now().minus(Duration.ofDays(30)));
                ps.executeUpdate();
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            if (!org.smsexport.support.OwnTables.madeMeanwhile(db, table, List.of("claimed_by", "claimed_until", "next_attempt_at",
                    "body_html"))) {
                throw new ExportException("Cannot create the mail outbox table " + table + ": " + e.getMessage(), e);
            }
        }
        return new JdbcMailOutbox(db, table, dialect);
    }

    @Override
    public void add(Message m) {
        update("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, m.id());
            ps.setString(2, m.jobId());
            ps.setString(3, m.recipient());
            ps.setString(4, m.subject());
            ps.setString(5, m.text());
            ps.setString(6, m.html());
            ps.setString(7, m.attachment().orElse(null));
            dialect.setInstant(ps, 8, dialect.truncate(m.createdAt()));
            ps.setInt(9, m.attempts());
            dialect.setInstant(ps, 10, dialect.truncate(m.nextAttemptAt()));
            ps.setString(11, m.lastError().orElse(null));
            ps.setString(12, m.status().name());
        });
    }

    /** The database's clock. */
    private Instant databaseNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + dialect.now())) {
            rs.next();
            return dialect.getInstant(rs, 1);
        }
    }

    @Override
    public List<Message> claim(String node, Instant now, Duration lease, int max) {
        List<Message> claimed = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            Instant dbNow = databaseNow(c);
            List<String> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE status = 'PENDING' "
                    + "AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at LIMIT "
                    + Math.max(1, max * 4))) {
                dialect.setInstant(ps, 1, dbNow);
                dialect.setInstant(ps, 2, dbNow);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(rs.getString(1));
                    }
                }
            }
            for (String id : due) {
                if (claimed.size() == max) {
                    break;
                }
                String token = cutNode(node) + "/" + org.smsexport.JobId.random().value();
                // guarded: only one node's update finds the message unclaimed
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET claimed_by = ?, claimed_until = ? "
                        + "WHERE id = ? AND status = 'PENDING' AND (claimed_until IS NULL OR claimed_until < ?)")) {
                    ps.setString(1, token);
                    dialect.setInstant(ps, 2, dialect.truncate(dbNow.plus(lease)));
                    ps.setString(3, id);
                    dialect.setInstant(ps, 4, dbNow);
                    int n = ps.executeUpdate();
                    if (!c.getAutoCommit()) {
                        c.commit();
                    }
                    if (n == 1) {
                        claims.put(id, token);
                        find(id).ifPresent(claimed::add);
                    }
                }
            }
        } catch (SQLException e) {
            throw new ExportException("The mail outbox could not be read: " + e.getMessage(), e);
        }
        return claimed;
    }

    /** A node name short enough for {@code claimed_by} with the token's random part. */
    private static String cutNode(String node) {
        return node.length() > 170 ? node.substring(0, 170) : node;
    }

    /**
     * Runs a settling update guarded by this outbox's claim of the message (the claim is spent either way).
     *
     * @param set    {@code UPDATE … SET …} without its condition
     * @param params how many parameters {@code binder} binds
     */
    private boolean settle(String id, String set, int params, Binder binder) {
        String token = claims.remove(id);
        if (token == null) {
            return false;
        }
        return update(set + " WHERE id = ? AND status = 'PENDING' AND claimed_by = ?", ps -> {
            binder.bind(ps);
            ps.setString(params + 1, id);
            ps.setString(params + 2, token);
        }) == 1;
    }

    @Override
    public boolean sent(String id, Instant at) {
        return settle(id, "UPDATE " + table + " SET status = 'SENT', sent_at = ?, next_attempt_at = ?, attempts = attempts + 1, "
                + "last_error = NULL, body_text = '', body_html = '', claimed_by = NULL, claimed_until = NULL", 2, ps -> {
                    dialect.setInstant(ps, 1, dialect.truncate(at));
                    dialect.setInstant(ps, 2, dialect.truncate(at));
                });
    }

    @Override
    public boolean retry(String id, int attempts, Instant next, String error) {
        return settle(id, "UPDATE " + table + " SET attempts = ?, next_attempt_at = ?, last_error = ?, claimed_by = NULL, "
                + "claimed_until = NULL", 3, ps -> {
                    ps.setInt(1, attempts);
                    dialect.setInstant(ps, 2, dialect.truncate(next));
                    ps.setString(3, cut(error));
                });
    }

    @Override
    public boolean givenUp(String id, int attempts, String error) {
        return settle(id, "UPDATE " + table + " SET status = 'GIVEN_UP', attempts = ?, last_error = ?, next_attempt_at = ?, "
                + "body_text = '', body_html = '', claimed_by = NULL, claimed_until = NULL", 3, ps -> {
                    ps.setInt(1, attempts);
                    ps.setString(2, cut(error));
                    dialect.setInstant(ps, 3, dialect.truncate(Instant.now()));
                });
    }

    @Override
    public Optional<Message> find(String id) {
        List<Message> found = query("WHERE id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private static String cut(String s) {
        return s == null ? null : s.length() > 1000 ? s.substring(0, 999) + "…" : s;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            int n = ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return n;
        } catch (SQLException e) {
            throw new ExportException("The mail outbox could not be written: " + e.getMessage(), e);
        }
    }

    private List<Message> query(String where, Object... params) {
        List<Message> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM " + table + " " + where)) {
            for (int i = 0; i < params.length; i++) {
                dialect.setObject(ps, i + 1, params[i] instanceof Instant ? dialect.truncate((Instant) params[i]) : params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Message(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            Optional.ofNullable(rs.getString(7)), dialect.getInstant(rs, 8), rs.getInt(9),
                            dialect.getInstant(rs, 10), Optional.ofNullable(rs.getString(11)),
                            Status.valueOf(rs.getString(12))));
                }
            }
        } catch (SQLException e) {
            throw new ExportException("The mail outbox could not be read: " + e.getMessage(), e);
        }
        return out;
    }

}
