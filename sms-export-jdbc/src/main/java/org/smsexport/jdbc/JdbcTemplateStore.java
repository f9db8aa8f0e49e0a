package org.smsexport.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.smsexport.DuplicateTemplateException;
import org.smsexport.ExportTemplate;
import org.smsexport.spi.TemplateStore;

/**
 * Export templates in the table {@code sms_export_templates} ({@code <prefix>templates}, created when missing), keyed by owner and name, so every
 * node of a service sees the same templates. Thread-safe: each call takes its own connection.
 */
public final class JdbcTemplateStore implements TemplateStore {

    private static final String COLUMNS = "owner_id, name, export_type, export_format, filters, options, locale, description, "
            + "created_at, updated_at, zone";

    private final DataSource db;
    private final String table;
    private final org.smsexport.support.SqlDialect dialect;

    private JdbcTemplateStore(DataSource db, String table, org.smsexport.support.SqlDialect dialect) {
        this.db = db;
        this.table = table;
        this.dialect = dialect;
    }

    /**
     * @param prefix  the tables' prefix ({@code EXPORT_TABLE_PREFIX})
     * @param dialect the database
     * @return the statements that create the template table, in the database's types
     */
    public static List<String> ddl(String prefix, org.smsexport.support.SqlDialect dialect) {
        String table = org.smsexport.support.OwnTables.checkPrefix(prefix) + "templates";
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (owner_id VARCHAR(200) NOT NULL, name VARCHAR(64) NOT NULL, "
                + "export_type VARCHAR(63) NOT NULL, export_format VARCHAR(32) NOT NULL, filters VARCHAR(4000), "
                + "options VARCHAR(4000), locale VARCHAR(35), description VARCHAR(1000), "
                + "created_at " + dialect.timestamp() + " NOT NULL, updated_at " + dialect.timestamp() + " NOT NULL, "
                + "zone VARCHAR(64), PRIMARY KEY (owner_id, name))");
    }

    /**
     * @param db the database
     * @return the store in {@code sms_export_templates}, created when missing (an earlier version's
     *         {@code export_templates} is renamed to it)
     */
    public static JdbcTemplateStore create(DataSource db) {
        return withPrefix(db, org.smsexport.support.OwnTables.DEFAULT_PREFIX);
    }

    /**
     * @param db     the database
     * @param prefix the prefix of the library's tables ({@code EXPORT_TABLE_PREFIX}): templates in {@code <prefix>templates}
     * @return the store, its table created when missing
     * @throws org.smsexport.ExportException when a table of that name is not sms-export's (it is never altered)
     */
    public static JdbcTemplateStore withPrefix(DataSource db, String prefix) {
        org.smsexport.support.SqlDialect dialect = org.smsexport.support.SqlDialect.of(db);
        String table = org.smsexport.support.OwnTables.checkPrefix(prefix) + "templates";
        try (Connection c = db.getConnection()) {
            // no DDL when the table is there: on an embedded database shared by processes it would wait for their locks
            java.util.Set<String> there = org.smsexport.support.OwnTables.prepare(c, table, "export_templates", List.of("owner_id",
                    "export_type", "export_format", "description"));
            if (there.isEmpty()) {
                try (Statement s = c.createStatement()) {
                    for (String sql : ddl(prefix, dialect)) {
                        s.execute(sql);
                    }
                }
            } else if (!there.contains("zone")) {
                // added with templates' time zones: a table of an earlier version gains it (our table, never the host's)
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE " + table + " ADD COLUMN zone VARCHAR(64)");
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            if (!org.smsexport.support.OwnTables.madeMeanwhile(db, table, List.of("owner_id", "export_type", "export_format",
                    "description"))) {
                throw Sql.error("creating the table " + table, e);
            }
        }
        return new JdbcTemplateStore(db, table, dialect);
    }

    @Override
    public void insert(ExportTemplate t) {
        if (find(t.owner(), t.name()).isPresent()) {
            throw new DuplicateTemplateException(t.owner(), t.name());
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, t);
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                throw new DuplicateTemplateException(t.owner(), t.name()); // a second node inserted it meanwhile
            }
            throw Sql.error("storing template " + t.name(), e);
        }
    }

    @Override
    public Optional<ExportTemplate> find(String owner, String name) {
        List<ExportTemplate> found = query("SELECT " + COLUMNS + " FROM " + table + " WHERE owner_id = ? AND name = ?", owner, name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public List<ExportTemplate> list(String owner) {
        return owner == null ? query("SELECT " + COLUMNS + " FROM " + table + " ORDER BY owner_id, name")
                : query("SELECT " + COLUMNS + " FROM " + table + " WHERE owner_id = ? ORDER BY name", owner);
    }

    @Override
    public boolean update(ExportTemplate t) {
        return change("UPDATE " + table + " SET export_type = ?, export_format = ?, filters = ?, options = ?, locale = ?, "
                + "description = ?, updated_at = ?, zone = ? WHERE owner_id = ? AND name = ?", ps -> {
                    ps.setString(1, t.type());
                    ps.setString(2, t.format());
                    ps.setString(3, JdbcJobStore.encode(t.filters()));
                    ps.setString(4, JdbcJobStore.encode(t.options()));
                    ps.setString(5, t.locale().map(Locale::toLanguageTag).orElse(null));
                    ps.setString(6, t.description().orElse(null));
                    dialect.setInstant(ps, 7, dialect.truncate(t.updatedAt()));
                    ps.setString(8, t.zone().map(java.time.ZoneId::getId).orElse(null));
                    ps.setString(9, t.owner());
                    ps.setString(10, t.name());
                });
    }

    @Override
    public boolean delete(String owner, String name) {
        return change("DELETE FROM " + table + " WHERE owner_id = ? AND name = ?", ps -> {
            ps.setString(1, owner);
            ps.setString(2, name);
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private boolean change(String sql, Binder binder) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            int n = ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return n > 0;
        } catch (SQLException e) {
            throw Sql.error("changing a template", e);
        }
    }

    private void bind(PreparedStatement ps, ExportTemplate t) throws SQLException {
        ps.setString(1, t.owner());
        ps.setString(2, t.name());
        ps.setString(3, t.type());
        ps.setString(4, t.format());
        ps.setString(5, JdbcJobStore.encode(t.filters()));
        ps.setString(6, JdbcJobStore.encode(t.options()));
        ps.setString(7, t.locale().map(Locale::toLanguageTag).orElse(null));
        ps.setString(8, t.description().orElse(null));
        dialect.setInstant(ps, 9, dialect.truncate(t.createdAt()));
        dialect.setInstant(ps, 10, dialect.truncate(t.updatedAt()));
        ps.setString(11, t.zone().map(java.time.ZoneId::getId).orElse(null));
    }

    private List<ExportTemplate> query(String sql, String... params) {
        List<ExportTemplate> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ExportTemplate(rs.getString(2), rs.getString(1), rs.getString(3), rs.getString(4), map(rs.getString(5)),
                            map(rs.getString(6)), Optional.ofNullable(rs.getString(7)).map(Locale::forLanguageTag),
                            Optional.ofNullable(rs.getString(11)).map(java.time.ZoneId::of), Optional.ofNullable(rs.getString(8)),
                            dialect.getInstant(rs, 9), dialect.getInstant(rs, 10)));
                }
            }
        } catch (SQLException e) {
            throw Sql.error("reading templates", e);
        }
        return out;
    }

    private static Map<String, String> map(String text) {
        return text == null || text.isEmpty() ? Map.of() : JdbcJobStore.decode(text);
    }

}
