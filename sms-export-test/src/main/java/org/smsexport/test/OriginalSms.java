package org.smsexport.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The original SMS's database (bs1gr/AUT_MIEEK_SMS) as its migrations leave it — no {@code created_at} on the data
 * tables, attendance in {@code attendances}, no {@code class_division}, a {@code users} table, and an {@code export_jobs}
 * table of its own — with a few rows, some soft-deleted; and a dump of every table's definition and rows, to show that
 * a command left the host's tables as they were.
 */
public final class OriginalSms {

    /** Rows each type exports from {@link #create}'s data: soft-deleted rows, and rows of deleted students or courses, left out. */
    public static final Map<String, Integer> EXPORTED = Map.of("students", 3, "courses", 2, "grades", 3, "enrollments", 3,
            "attendance", 3);

    private OriginalSms() {
    }

    /**
     * Creates the original's tables and rows in an empty database (H2 or PostgreSQL).
     *
     * @param db the database
     * @throws SQLException when a statement fails
     */
    public static void create(DataSource db) throws SQLException {
        String sql;
        try (InputStream in = OriginalSms.class.getResourceAsStream("original-sms.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder statement = new StringBuilder();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            for (String line : sql.split("\n")) {
                if (line.startsWith("--")) {
                    continue;
                }
                statement.append(line).append('\n');
                if (line.endsWith(";")) {
                    s.execute(statement.substring(0, statement.lastIndexOf(";")));
                    statement.setLength(0);
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /**
     * Every table of the database's current schema, with its columns (type, size, nullability, default), indexes and rows,
     * as text: equal dumps taken before and after a command mean the command changed none of them.
     *
     * @param db the database
     * @return each table's dump, by lower-case name
     * @throws SQLException when the database cannot be read
     */
    public static Map<String, String> dump(DataSource db) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            String schema = c.getSchema();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = meta.getTables(c.getCatalog(), schema, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            for (String t : tables) {
                StringBuilder d = new StringBuilder();
                try (ResultSet rs = meta.getColumns(c.getCatalog(), schema, t, "%")) {
                    while (rs.next()) {
                        d.append(rs.getString("COLUMN_NAME")).append(' ').append(rs.getString("TYPE_NAME")).append('(')
                                .append(rs.getInt("COLUMN_SIZE")).append(") ").append(rs.getString("IS_NULLABLE")).append(" default ")
                                .append(rs.getString("COLUMN_DEF")).append('\n');
                    }
                }
                try (ResultSet rs = meta.getIndexInfo(c.getCatalog(), schema, t, false, false)) {
                    while (rs.next()) {
                        d.append("index ").append(rs.getString("INDEX_NAME")).append(' ').append(rs.getString("COLUMN_NAME")).append('\n');
                    }
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + t + " ORDER BY 1")) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= n; i++) {
                            d.append(rs.getString(i)).append(i < n ? "|" : "\n");
                        }
                    }
                }
                out.put(t.toLowerCase(Locale.ROOT), d.toString());
            }
        }
        return out;
    }
}
