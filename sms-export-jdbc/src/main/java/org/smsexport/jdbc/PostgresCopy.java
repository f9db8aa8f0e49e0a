package org.smsexport.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Utils;
import org.smsexport.ColumnType;
import org.smsexport.ExportType;

/**
 * Rows from PostgreSQL through {@code COPY (…) TO STDOUT (FORMAT binary)} (pgjdbc's {@code CopyManager}) instead of a
 * cursor: the server formats in bulk and the tuples are decoded straight into the values a cursor would give (no
 * {@code ResultSet}, no objects per value beyond the value itself). The query is the cursor's, unchanged; COPY takes no
 * parameters, so the filters' values are written into it as literals: strings through the driver's own escaping
 * ({@code Utils.escapeLiteral}, with the connection's {@code standard_conforming_strings}), numbers as digits, dates
 * and instants as typed literals. That is chosen over a temporary view of a prepared statement because a view takes no
 * parameters either (its text would hold the same literals) and costs a DDL statement per export.
 *
 * <p>Used only where every result column is of a type decoded here, read from the statement's description (one
 * round trip, before anything runs); anything else (another driver, a column of an unexpected type, a parameter of an
 * unexpected class) answers {@code null} and the caller uses the cursor. Not thread-safe: one per export.
 */
final class PostgresCopy {

    /** 2000-01-01, PostgreSQL's epoch for dates and timestamps. */
    private static final long EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();
    private static final long EPOCH_SECOND = 946_684_800L;

    /** How many reads went through COPY in this JVM (tests check that a query took the path they meant). */
    static final java.util.concurrent.atomic.AtomicLong READS = new java.util.concurrent.atomic.AtomicLong();

    private PostgresCopy() {
    }

    /** How each result column is decoded. */
    enum Decode {
        INT2, INT4, INT8, FLOAT4, FLOAT8, NUMERIC, TEXT, DATE, TIMESTAMP, BOOL
    }

    /**
     * @param c      the connection, in the export's transaction (time zone UTC)
     * @param md     the description of the cursor's statement
     * @param type   the export type (its column types)
     * @param sql    the cursor's SQL, with {@code ?} for each parameter
     * @param params the parameters
     * @return the COPY statement and how to decode its columns, or {@code null} when this query cannot be read by COPY
     */
    static Plan plan(Connection c, ResultSetMetaData md, ExportType type, String sql, List<Object> params) throws SQLException {
        BaseConnection pg;
        try {
            if (!c.isWrapperFor(BaseConnection.class)) {
                return null;
            }
            pg = c.unwrap(BaseConnection.class);
        } catch (SQLException | LinkageError e) {
            return null;
        }
        int n = type.columns().size();
        if (md == null || md.getColumnCount() != n) {
            return null;
        }
        Decode[] decode = new Decode[n];
        for (int i = 0; i < n; i++) {
            decode[i] = decode(type.columns().get(i).type(), md.getColumnTypeName(i + 1));
            if (decode[i] == null) {
                return null;
            }
        }
        String literal = withLiterals(sql, params, pg.getStandardConformingStrings());
        if (literal == null) {
            return null;
        }
        return new Plan("COPY (" + literal + ") TO STDOUT (FORMAT binary)", decode);
    }

    /** @return what cancels the connection's running query on the server (a COPY has no statement to cancel) */
    static StatementCancel.Canceller canceller(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        return pg::cancelQuery;
    }

    /** What COPY runs and how its columns are read. */
    record Plan(String sql, Decode[] decode) {
    }

    /** The decoding of a PostgreSQL type for a column type, as the cursor would read it; {@code null}: not here. */
    private static Decode decode(ColumnType column, String pgType) {
        // pgjdbc names a column with a sequence default by its serial type
        String t = pgType == null ? "" : pgType.equals("serial") ? "int4" : pgType.equals("bigserial") ? "int8"
                : pgType.equals("smallserial") ? "int2" : pgType;
        switch (column) {
            case INTEGER:
                return t.equals("int2") ? Decode.INT2 : t.equals("int4") ? Decode.INT4 : t.equals("int8") ? Decode.INT8 : null;
            case DECIMAL:
                switch (t) {
                    case "int2": return Decode.INT2;
                    case "int4": return Decode.INT4;
                    case "int8": return Decode.INT8;
                    case "float4": return Decode.FLOAT4;
                    case "float8": return Decode.FLOAT8;
                    case "numeric": return Decode.NUMERIC;
                    default: return null;
                }
            case DATE:
                return t.equals("date") ? Decode.DATE : null;
            case DATETIME:
                // timestamp without time zone reads as UTC, as the cursor reads it (the transaction's zone is UTC)
                return t.equals("timestamptz") || t.equals("timestamp") ? Decode.TIMESTAMP : null;
            case BOOLEAN:
                return t.equals("bool") ? Decode.BOOL : null;
            default:
                return t.equals("text") || t.equals("varchar") || t.equals("bpchar") || t.equals("name") ? Decode.TEXT : null;
        }
    }

    /**
     * The SQL with each {@code ?} outside quotes replaced by its parameter as a literal.
     *
     * @return the SQL, or {@code null} when a parameter is of a class not written here
     */
    static String withLiterals(String sql, List<Object> params, boolean standardStrings) throws SQLException {
        StringBuilder b = new StringBuilder(sql.length() + params.size() * 16);
        int p = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                }
                b.append(ch);
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
                b.append(ch);
            } else if (ch == '?') {
                if (p == params.size() || !literal(b, params.get(p++), standardStrings)) {
                    return null;
                }
            } else {
                b.append(ch);
            }
        }
        return p == params.size() ? b.toString() : null;
    }

    private static boolean literal(StringBuilder b, Object v, boolean standardStrings) throws SQLException {
        if (v == null) {
            b.append("NULL");
        } else if (v instanceof String s) {
            if (!standardStrings) {
                b.append('E');
            }
            b.append('\'');
            Utils.escapeLiteral(b, s, standardStrings);
            b.append('\'');
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short) {
            b.append('(').append(v).append(')');
        } else if (v instanceof java.math.BigDecimal d) {
            b.append('(').append(d.toPlainString()).append(')');
        } else if (v instanceof Double d && Double.isFinite(d)) {
            b.append("CAST(").append(d).append(" AS float8)");
        } else if (v instanceof Boolean f) {
            b.append(f ? "TRUE" : "FALSE");
        } else if (v instanceof LocalDate d) {
            b.append("DATE '").append(d).append('\'');
        } else if (v instanceof Instant t) {
            b.append("TIMESTAMPTZ '").append(t).append('\'');
        } else {
            return false;
        }
        return true;
    }

    /** Reads the binary COPY stream tuple by tuple. */
    static final class Reader {
        private final CopyOut copy;
        private final Decode[] decode;
        private byte[] buf = new byte[0];
        private int pos;
        private int end;
        private boolean header;
        private boolean done;

        /** Starts the COPY: returns once the server sends rows (a lock or a slow plan keeps it here). */
        Reader(Connection c, Plan plan) throws SQLException {
            this.copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut(plan.sql());
            this.decode = plan.decode();
            READS.incrementAndGet();
        }

        /**
         * Decodes the next tuple into {@code row}.
         *
         * @return {@code false} at the end
         */
        boolean next(Object[] row) throws SQLException {
            if (done) {
                return false;
            }
            if (!header) {
                need(19);
                if (buf[pos] != 'P' || buf[pos + 1] != 'G' || buf[pos + 2] != 'C') {
                    throw new SQLException("PostgreSQL sent COPY data that is not its binary format");
                }
                pos += 15;
                int extension = int32();
                need(extension);
                pos += extension;
                header = true;
            }
            need(2);
            int fields = int16();
            if (fields == -1) {
                done = true;
                while (copy.readFromCopy() != null) {
                    // the end of the COPY: read to its completion, so the connection is ready for what follows
                }
                return false;
            }
            if (fields != decode.length) {
                throw new SQLException("COPY sent " + fields + " columns, expected " + decode.length);
            }
            for (int i = 0; i < fields; i++) {
                need(4);
                int len = int32();
                if (len < 0) {
                    row[i] = null;
                    continue;
                }
                need(len);
                row[i] = value(decode[i], len);
                pos += len;
            }
            return true;
        }

        private Object value(Decode d, int len) throws SQLException {
            switch (d) {
                case INT2: return (long) (short) ((buf[pos] & 0xFF) << 8 | buf[pos + 1] & 0xFF);
                case INT4: return (long) int32At(pos);
                case INT8: return int64At(pos);
                case FLOAT4: return Double.parseDouble(Float.toString(Float.intBitsToFloat(int32At(pos))));
                case FLOAT8: return Double.longBitsToDouble(int64At(pos));
                case NUMERIC: return numeric(len);
                case TEXT: return new String(buf, pos, len, StandardCharsets.UTF_8);
                case DATE: {
                    int days = int32At(pos);
                    return days == Integer.MAX_VALUE ? LocalDate.MAX : days == Integer.MIN_VALUE ? LocalDate.MIN
                            : LocalDate.ofEpochDay(EPOCH_DAY + days);
                }
                case TIMESTAMP: {
                    long micros = int64At(pos);
                    return micros == Long.MAX_VALUE ? Instant.MAX : micros == Long.MIN_VALUE ? Instant.MIN
                            : Instant.ofEpochSecond(EPOCH_SECOND + Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
                }
                case BOOL: return buf[pos] != 0;
                default: throw new SQLException("no decoding for " + d);
            }
        }

        /** A numeric as a double, through its decimal text as the cursor parses it (the same rounding). */
        private Object numeric(int len) throws SQLException {
            int at = pos;
            int ndigits = u16(at);
            int weight = (short) u16(at + 2);
            int sign = u16(at + 4);
            if (sign == 0xC000) {
                return Double.NaN;
            }
            if (sign == 0xD000) {
                return Double.POSITIVE_INFINITY;
            }
            if (sign == 0xF000) {
                return Double.NEGATIVE_INFINITY;
            }
            if (8 + 2 * ndigits > len) {
                throw new SQLException("a numeric COPY value is shorter than its digits");
            }
            StringBuilder s = new StringBuilder(ndigits * 4 + 8);
            if (sign == 0x4000) {
                s.append('-');
            }
            for (int i = 0; i < ndigits; i++) {
                int digit = u16(at + 8 + 2 * i);
                s.append((char) ('0' + digit / 1000)).append((char) ('0' + digit / 100 % 10)).append((char) ('0' + digit / 10 % 10))
                        .append((char) ('0' + digit % 10));
            }
            if (ndigits == 0) {
                s.append('0');
            }
            // the digits are base-10000 groups; the first group's weight places the point
            s.append("E").append((weight - ndigits + 1) * 4);
            return Double.parseDouble(s.toString());
        }

        private void need(int n) throws SQLException {
            while (end - pos < n) {
                byte[] more = copy.readFromCopy();
                if (more == null) {
                    throw new SQLException("PostgreSQL ended the COPY in the middle of a row");
                }
                if (pos == end) {
                    buf = more;
                    pos = 0;
                    end = more.length;
                } else {
                    byte[] joined = new byte[end - pos + more.length];
                    System.arraycopy(buf, pos, joined, 0, end - pos);
                    System.arraycopy(more, 0, joined, end - pos, more.length);
                    buf = joined;
                    end = joined.length;
                    pos = 0;
                }
            }
        }

        private int int16() {
            int v = (short) u16(pos);
            pos += 2;
            return v;
        }

        private int int32() {
            int v = int32At(pos);
            pos += 4;
            return v;
        }

        private int u16(int at) {
            return (buf[at] & 0xFF) << 8 | buf[at + 1] & 0xFF;
        }

        private int int32At(int at) {
            return (buf[at] & 0xFF) << 24 | (buf[at + 1] & 0xFF) << 16 | (buf[at + 2] & 0xFF) << 8 | buf[at + 3] & 0xFF;
        }

        private long int64At(int at) {
            return (long) int32At(at) << 32 | int32At(at + 4) & 0xFFFFFFFFL;
        }

        /** Stops a COPY that was not read to its end (the export failed or was cancelled). */
        void cancel() {
            if (!done && copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException e) {
                    // the connection is closed next; the export already has its outcome
                }
            }
        }
    }
}
