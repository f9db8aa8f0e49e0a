package org.smsexport.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.smsexport.AuditEntry;
import org.smsexport.AuditEvent;
import org.smsexport.AuditQuery;
import org.smsexport.AuditRecord;
import org.smsexport.ExportException;
import org.smsexport.JobId;
import org.smsexport.spi.AuditSink;

/**
 * The audit trail in the table {@code sms_export_audit} ({@code <prefix>audit}), one row per record, columns named as the fields. Our code only
 * ever inserts into it (and deletes for the separate audit retention). Nodes sharing the database chain their
 * records in turn: each insert takes the next {@code seq}, the primary key, so of two nodes racing for one number
 * one wins and the other chains after it. Thread-safe.
 */
public final class JdbcAuditSink implements AuditSink {

    private final DataSource db;

    private final String table;
    private final org.smsexport.support.SqlDialect dialect;
    /** The columns, {@code rows} quoted where the database reserves the word. */
    private final String columns;

    private JdbcAuditSink(DataSource db, String table, org.smsexport.support.SqlDialect dialect) {
        this.db = db;
        this.table = table;
        this.dialect = dialect;
        this.columns = columns(dialect);
    }

    private static String columns(org.smsexport.support.SqlDialect d) {
        return "seq, event, at, actor, job_id, export_type, export_format, filters, " + d.quote("rows") + ", sha256, file_key, "
                + "recipients, client_address, route, prev_hash, hash";
    }

    /**
     * @param db the database
     * @return the sink in {@code sms_export_audit}, created when missing (an earlier version's {@code export_audit} is
     *         renamed to it)
     */
    public static JdbcAuditSink create(DataSource db) {
        return withPrefix(db, org.smsexport.support.OwnTables.DEFAULT_PREFIX);
    }

    /**
     * @param prefix  the tables' prefix ({@code EXPORT_TABLE_PREFIX})
     * @param dialect the database
     * @return the statements that create the audit table, in the database's types
     */
    public static List<String> ddl(String prefix, org.smsexport.support.SqlDialect dialect) {
        String table = org.smsexport.support.OwnTables.checkPrefix(prefix) + "audit";
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (seq BIGINT PRIMARY KEY, event VARCHAR(16) NOT NULL, "
                + "at " + dialect.timestamp() + " NOT NULL, actor VARCHAR(200) NOT NULL, job_id VARCHAR(64) NOT NULL, "
                + "export_type VARCHAR(100) NOT NULL, export_format VARCHAR(32) NOT NULL, filters VARCHAR(4000), " + dialect.quote("rows")
                + " BIGINT, "
                + "sha256 VARCHAR(64), file_key VARCHAR(1024), recipients VARCHAR(2000), client_address VARCHAR(100), "
                + "route VARCHAR(300), prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL)",
                "CREATE INDEX IF NOT EXISTS " + table + "_job ON " + table + " (job_id)",
                "CREATE INDEX IF NOT EXISTS " + table + "_at ON " + table + " (at)");
    }

    /**
     * @param db     the database
     * @param prefix the prefix of the library's tables ({@code EXPORT_TABLE_PREFIX}): the trail is {@code <prefix>audit}
     * @return the sink, its table created when missing
     * @throws ExportException when a table of that name is not sms-export's (it is never altered)
     */
    public static JdbcAuditSink withPrefix(DataSource db, String prefix) {
        String table = org.smsexport.support.OwnTables.checkPrefix(prefix) + "audit";
        org.smsexport.support.SqlDialect dialect = org.smsexport.support.SqlDialect.of(db);
        try (Connection c = db.getConnection()) {
            if (org.smsexport.support.OwnTables.prepare(c, table, "export_audit", List.of("prev_hash", "hash", "seq", "file_key"))
                    .isEmpty()) {
                try (Statement s = c.createStatement()) {
                    for (String sql : ddl(prefix, dialect)) {
                        dialect.execute(s, sql);
                    }
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            }
        } catch (SQLException e) {
            if (!org.smsexport.support.OwnTables.madeMeanwhile(db, table, List.of("prev_hash", "hash", "seq", "file_key"))) {
                throw new ExportException("Cannot create the audit table " + table + ": " + e.getMessage(), e);
            }
        }
        return new JdbcAuditSink(db, table, dialect);
    }

    @Override
    public AuditRecord append(AuditEntry entry) {
        SQLException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Connection c = db.getConnection()) {
                long seq = 0;
                String prev = AuditRecord.GENESIS;
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT seq, hash FROM " + table + " ORDER BY seq DESC LIMIT 1")) {
                    if (rs.next()) {
                        seq = rs.getLong(1);
                        prev = rs.getString(2);
                    }
                }
                AuditRecord r = AuditRecord.chain(seq + 1, entry, prev);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + columns
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    bind(ps, r);
                    ps.executeUpdate();
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                return r;
            } catch (SQLException e) {
                // another node took this number first (a duplicate key): chain after its record
                last = e;
            }
        }
        throw new ExportException("The audit trail could not be written: " + last.getMessage(), last);
    }

    private void bind(PreparedStatement ps, AuditRecord r) throws SQLException {
        AuditEntry e = r.entry();
        int i = 1;
        ps.setLong(i++, r.seq());
        ps.setString(i++, e.event().id());
        dialect.setInstant(ps, i++, e.at());
        ps.setString(i++, e.actor());
        ps.setString(i++, e.jobId().value());
        ps.setString(i++, e.exportType());
        ps.setString(i++, e.exportFormat());
        ps.setString(i++, e.filters().isEmpty() ? null : JdbcJobStore.encode(e.filters()));
        if (e.rows().isPresent()) {
            ps.setLong(i++, e.rows().getAsLong());
        } else {
            ps.setNull(i++, java.sql.Types.BIGINT);
        }
        ps.setString(i++, e.sha256().orElse(null));
        ps.setString(i++, e.fileKey().orElse(null));
        ps.setString(i++, e.recipients().isEmpty() ? null : String.join("\n", e.recipients()));
        ps.setString(i++, e.clientAddress().orElse(null));
        ps.setString(i++, e.route().orElse(null));
        ps.setString(i++, r.prevHash());
        ps.setString(i, r.hash());
    }

    @Override
    public List<AuditRecord> list(AuditQuery q) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        q.job().ifPresent(j -> {
            where.append(" AND job_id = ?");
            params.add(j.value());
        });
        q.actor().ifPresent(a -> {
            where.append(" AND actor = ?");
            params.add(a);
        });
        q.from().ifPresent(f -> {
            where.append(" AND at >= ?");
            params.add(f);
        });
        q.to().ifPresent(t -> {
            where.append(" AND at < ?");
            params.add(t);
        });
        List<AuditRecord> out = new ArrayList<>();
        query("SELECT " + columns + " FROM " + table + where + " ORDER BY seq DESC LIMIT " + q.limit(), params,
                out::add);
        return out;
    }

    @Override
    public void forEach(Consumer<AuditRecord> each) {
        query("SELECT " + columns + " FROM " + table + " ORDER BY seq", List.of(), each);
    }

    @Override
    public long deleteBefore(Instant before) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE at < ?")) {
            dialect.setInstant(ps, 1, before);
            long n = ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return n;
        } catch (SQLException e) {
            throw new ExportException("The audit retention could not be applied: " + e.getMessage(), e);
        }
    }

    private void query(String sql, List<Object> params, Consumer<AuditRecord> each) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                dialect.setObject(ps, i + 1, params.get(i));
            }
            // streamed: PostgreSQL fetches in batches only outside auto-commit
            boolean auto = c.getAutoCommit();
            ps.setFetchSize(500);
            if (auto) {
                c.setAutoCommit(false);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    each.accept(read(rs, dialect));
                }
            } finally {
                if (auto) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new ExportException("The audit trail could not be read: " + e.getMessage(), e);
        }
    }

    private static AuditRecord read(ResultSet rs, org.smsexport.support.SqlDialect dialect) throws SQLException {
        String filters = rs.getString("filters");
        String recipients = rs.getString("recipients");
        long rows = rs.getLong(9); // "rows", which some databases reserve
        OptionalLong r = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(rows);
        AuditEntry e = new AuditEntry(AuditEvent.of(rs.getString("event")), dialect.getInstant(rs, "at"),
                rs.getString("actor"), JobId.of(rs.getString("job_id")), rs.getString("export_type"), rs.getString("export_format"),
                filters == null ? java.util.Map.of() : JdbcJobStore.decode(filters), r, Optional.ofNullable(rs.getString("sha256")),
                Optional.ofNullable(rs.getString("file_key")), recipients == null ? List.of() : Arrays.asList(recipients.split("\n")),
                Optional.ofNullable(rs.getString("client_address")), Optional.ofNullable(rs.getString("route")));
        return new AuditRecord(rs.getLong("seq"), e, rs.getString("prev_hash"), rs.getString("hash"));
    }
}
