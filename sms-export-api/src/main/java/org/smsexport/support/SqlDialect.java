package org.smsexport.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.smsexport.ExportException;

/**
 * The one place that knows how the databases sms-export runs on differ: which database a connection is (and a clear
 * refusal of one it does not support), the SQL types of its own tables, concatenation, and how an instant is bound and
 * read. Instants are stored as UTC everywhere: {@code TIMESTAMP WITH TIME ZONE} on H2 and PostgreSQL, {@code DATETIME(6)}
 * holding UTC on MariaDB and MySQL, ISO-8601 UTC text ({@code 2026-12-07 08:00:00.000000}, which sorts as time does) on
 * SQLite; at microsecond precision ({@link #truncate}). {@link #now()} is the database's own clock
 * in that form, for leases judged by one clock whatever the machines' clocks say.
 */
public enum SqlDialect {

    /** H2 2.x, embedded or over TCP. */
    H2("H2", "2.x"),
    /** PostgreSQL 12 and later. */
    POSTGRESQL("PostgreSQL", "12 and later"),
    /** MariaDB 10.11 and later, and MySQL 8 and later: one dialect. */
    MARIADB("MariaDB/MySQL", "MariaDB 10.11 and later, MySQL 8 and later"),
    /** SQLite 3.35 and later (xerial sqlite-jdbc): one writer at a time. */
    SQLITE("SQLite", "3.35 and later");

    private static final DateTimeFormatter SQLITE_TIME = new DateTimeFormatterBuilder().appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().toFormatter(Locale.ROOT);

    private final String product;
    private final String versions;

    SqlDialect(String product, String versions) {
        this.product = product;
        this.versions = versions;
    }

    /** @return the database's name for people: {@code PostgreSQL}, {@code MariaDB/MySQL} */
    public String product() {
        return product;
    }

    /** @return the versions supported and tested */
    public String versions() {
        return versions;
    }

    /** @return every supported database with its versions, for a message */
    public static String supported() {
        return Arrays.stream(values()).map(d -> d.product + " " + d.versions).collect(Collectors.joining(", "));
    }

    /**
     * @param c a connection
     * @return its database's dialect
     * @throws ExportException naming the product and version and the supported databases, for any other database
     * @throws SQLException    when the connection's metadata cannot be read
     */
    public static SqlDialect of(Connection c) throws SQLException {
        String name = c.getMetaData().getDatabaseProductName();
        String p = name.toLowerCase(Locale.ROOT);
        if (p.equals("h2")) {
            return H2;
        }
        if (p.contains("postgres")) {
            return POSTGRESQL;
        }
        if (p.contains("mariadb") || p.contains("mysql")) {
            return MARIADB;
        }
        if (p.contains("sqlite")) {
            return SQLITE;
        }
        throw new ExportException("sms-export does not support " + name + " " + c.getMetaData().getDatabaseProductVersion()
                + ". Supported databases: " + supported() + ".");
    }

    /**
     * @param db a database
     * @return its dialect
     * @throws ExportException for a database that is not supported, or one that cannot be reached (with the driver's reason)
     */
    public static SqlDialect of(javax.sql.DataSource db) {
        try (Connection c = db.getConnection()) {
            return of(c);
        } catch (SQLException e) {
            throw new ExportException("Cannot reach the database to learn what it is (SQLState " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
    }

    /** @return the type of a column holding an instant */
    public String timestamp() {
        switch (this) {
            case MARIADB:
                return "DATETIME(6)";
            case SQLITE:
                return "TEXT";
            default:
                return "TIMESTAMP WITH TIME ZONE";
        }
    }

    /** @return the type of a text column with no length limit */
    public String text() {
        return this == H2 || this == POSTGRESQL ? "VARCHAR" : "TEXT";
    }

    /** @return the type of a column of bytes */
    public String bytes() {
        switch (this) {
            case POSTGRESQL:
                return "BYTEA";
            case MARIADB:
                return "LONGBLOB";
            default:
                return "BLOB";
        }
    }

    /** @return the column definition of a generated {@code BIGINT} primary key */
    public String identity() {
        switch (this) {
            case MARIADB:
                return "BIGINT AUTO_INCREMENT PRIMARY KEY";
            case SQLITE:
                return "INTEGER PRIMARY KEY";
            default:
                return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
        }
    }

    /**
     * @param parts SQL expressions of text
     * @return their concatenation ({@code ||} means OR on MySQL)
     */
    public String concat(String... parts) {
        return this == MARIADB ? "CONCAT(" + String.join(", ", parts) + ")" : String.join(" || ", parts);
    }

    /**
     * @return the SQL of the database's current instant, in the form {@link #setInstant} stores (on SQLite to the
     *         millisecond, which sorts before the same millisecond's stored microseconds)
     */
    public String now() {
        switch (this) {
            case MARIADB:
                return "UTC_TIMESTAMP(6)";
            case SQLITE:
                return "strftime('%Y-%m-%d %H:%M:%f', 'now')";
            default:
                return "CURRENT_TIMESTAMP";
        }
    }

    /**
     * @param t an instant
     * @return it at the precision every database keeps: microseconds
     */
    public Instant truncate(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /**
     * @param identifier a lower-case column name of ours that a database may reserve ({@code rows} on MariaDB and MySQL)
     * @return it as this database takes it: quoted with backticks on MariaDB and MySQL, as it is elsewhere (where unquoted
     *         names are what existing tables have)
     */
    public String quote(String identifier) {
        return this == MARIADB ? "`" + identifier + "`" : identifier;
    }

    /**
     * Runs one of the library's own DDL statements. MySQL has no {@code CREATE INDEX IF NOT EXISTS} (MariaDB has): on the
     * MariaDB/MySQL dialect the index is created without it, and an index of that name already there (error 1061) is
     * taken as made.
     *
     * @param s   a statement
     * @param ddl {@code CREATE TABLE IF NOT EXISTS …}, {@code CREATE INDEX IF NOT EXISTS …} or {@code ALTER TABLE …}
     * @throws SQLException when the database refuses it
     */
    public void execute(java.sql.Statement s, String ddl) throws SQLException {
        if (this != MARIADB || !ddl.startsWith("CREATE INDEX IF NOT EXISTS ")) {
            s.execute(ddl);
            return;
        }
        try {
            s.execute("CREATE INDEX " + ddl.substring("CREATE INDEX IF NOT EXISTS ".length()));
        } catch (SQLException e) {
            if (e.getErrorCode() != 1061) { // ER_DUP_KEYNAME: the index is there
                throw e;
            }
        }
    }

    /** @return whether {@code SELECT … FOR UPDATE SKIP LOCKED} works (several processes claim from one queue) */
    public boolean skipLocked() {
        return this != SQLITE;
    }

    /**
     * Binds an instant, stored as UTC.
     *
     * @param ps    the statement
     * @param index the parameter, from 1
     * @param value the instant, or {@code null}
     * @throws SQLException when the driver refuses
     */
    public void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, this == SQLITE ? java.sql.Types.VARCHAR : java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            return;
        }
        switch (this) {
            case MARIADB:
                ps.setObject(index, LocalDateTime.ofInstant(value, ZoneOffset.UTC));
                break;
            case SQLITE:
                ps.setString(index, sqliteText(value));
                break;
            default:
                ps.setObject(index, value.atOffset(ZoneOffset.UTC));
        }
    }

    /**
     * Binds a parameter as this database keeps the value: an instant as {@link #setInstant} does, on SQLite a date as ISO
     * text and a boolean as 1 or 0, {@code null} as SQL {@code NULL}, anything else as the driver binds it.
     *
     * @param ps    the statement
     * @param index the parameter, from 1
     * @param value the value, or {@code null}
     * @throws SQLException when the driver refuses
     */
    public void setObject(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.NULL);
        } else if (value instanceof Instant) {
            setInstant(ps, index, (Instant) value);
        } else if (this == SQLITE && value instanceof java.time.LocalDate) {
            ps.setString(index, value.toString());
        } else if (this == SQLITE && value instanceof Boolean) {
            ps.setInt(index, (Boolean) value ? 1 : 0);
        } else {
            ps.setObject(index, value);
        }
    }

    /**
     * Reads an instant as {@link #setInstant} stored it.
     *
     * @param rs     the result
     * @param column the column, from 1
     * @return the instant, or {@code null}
     * @throws SQLException when the driver refuses
     */
    public Instant getInstant(ResultSet rs, int column) throws SQLException {
        switch (this) {
            case MARIADB: {
                LocalDateTime t = rs.getObject(column, LocalDateTime.class);
                return t == null ? null : t.toInstant(ZoneOffset.UTC);
            }
            case SQLITE: {
                String t = rs.getString(column);
                return t == null ? null : parseSqliteText(t);
            }
            default: {
                OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
                return t == null ? null : t.toInstant();
            }
        }
    }

    /**
     * Reads an instant as {@link #setInstant} stored it.
     *
     * @param rs     the result
     * @param column the column's label
     * @return the instant, or {@code null}
     * @throws SQLException when the driver refuses
     */
    public Instant getInstant(ResultSet rs, String column) throws SQLException {
        return getInstant(rs, rs.findColumn(column));
    }

    /** @return the instant as SQLite holds it: UTC text that sorts as time does, as {@link #now()} writes it */
    static String sqliteText(Instant value) {
        return LocalDateTime.ofInstant(value, ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS",
                Locale.ROOT));
    }

    /** @return the instant of SQLite text: UTC, with or without a fraction, with a {@code T} or a space */
    static Instant parseSqliteText(String text) {
        String t = text.strip().replace('T', ' ');
        if (t.endsWith("Z")) {
            t = t.substring(0, t.length() - 1);
        }
        return LocalDateTime.parse(t, SQLITE_TIME).toInstant(ZoneOffset.UTC);
    }
}
