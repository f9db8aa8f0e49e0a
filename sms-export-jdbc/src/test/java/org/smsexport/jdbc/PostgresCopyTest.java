package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;
import org.smsexport.spi.RowCursor;

/**
 * Rows read through PostgreSQL's binary COPY are the cursor's rows, value for value (types, nulls, Greek text,
 * decimals, dates, instants), with every filter written into the query as a literal; a query COPY cannot serve falls
 * back to the cursor; a cursor closed half-way cancels the COPY and leaves the connection usable.
 */
class PostgresCopyTest {

    private static DataSource db;

    @BeforeAll
    static void load() {
        db = Databases.POSTGRESQL.fresh();
        SampleData.load(db, SmsSchema.standard(), 300);
    }

    private static List<Object[]> read(JdbcDataSource source, ExportType type, Map<String, ?> filters, Optional<Instant> since) {
        return JdbcDataSourceTest.read(source, new ExportQuery(type, type.parseFilters(filters), OptionalLong.empty(), List.of(), since));
    }

    private static void assertSameRows(ExportType type, Map<String, ?> filters, Optional<Instant> since) {
        long before = PostgresCopy.READS.get();
        List<Object[]> copied = read(JdbcDataSource.of(db), type, filters, since);
        assertThat(PostgresCopy.READS.get()).as("%s %s read through COPY", type.name(), filters).isEqualTo(before + 1);
        List<Object[]> cursor = read(JdbcDataSource.of(db).copy(false), type, filters, since);
        assertThat(PostgresCopy.READS.get()).as("copy(false) reads by the cursor").isEqualTo(before + 1);
        assertThat(copied).as("%s %s: rows", type.name(), filters).hasSameSizeAs(cursor);
        for (int r = 0; r < cursor.size(); r++) {
            assertThat(copied.get(r)).as("%s row %d", type.name(), r).containsExactly(cursor.get(r));
            for (int c = 0; c < cursor.get(r).length; c++) {
                Object v = cursor.get(r)[c];
                if (v != null) {
                    assertThat(copied.get(r)[c]).as("%s row %d column %d class", type.name(), r, c).isInstanceOf(v.getClass());
                }
            }
        }
    }

    @Test
    void everyTypeReadsTheSameRowsAsTheCursor() {
        for (ExportType type : ExportType.builtIns()) {
            assertSameRows(type, Map.of(), Optional.empty());
        }
        List<Object[]> students = read(JdbcDataSource.of(db), ExportType.STUDENTS, Map.of(), Optional.empty());
        assertThat(students).hasSize(300);
        assertThat(Arrays.stream(students.get(0)).filter(v -> v instanceof LocalDate)).as("dates decoded").isNotEmpty();
    }

    @Test
    void filtersBecomeLiteralsThatMatchAsBindParametersDo() throws Exception {
        exec("UPDATE students SET last_name = 'O''Brien \\ ? ''; DROP TABLE students; --' WHERE id = 7");
        assertSameRows(ExportType.STUDENTS, Map.of("search", "o'brien \\ ?"), Optional.empty());
        assertThat(read(JdbcDataSource.of(db), ExportType.STUDENTS, Map.of("search", "o'brien \\ ? '; drop"), Optional.empty()))
                .as("quotes and backslashes are text, never SQL").hasSize(1);
        assertSameRows(ExportType.STUDENTS, Map.of("status", "active", "study_year", "2"), Optional.empty());
        assertSameRows(ExportType.STUDENTS, Map.of("enrolled_from", "2023-01-01", "enrolled_to", "2023-12-31"), Optional.empty());
        assertSameRows(ExportType.STUDENTS, Map.of("search", "ΠΑΠΑΔ"), Optional.empty());
        assertSameRows(ExportType.GRADES, Map.of("course_id", 3), Optional.empty());
        assertSameRows(ExportType.ATTENDANCE, Map.of("status", "late"), Optional.empty());
        assertSameRows(ExportType.GRADES, Map.of(), Optional.of(Instant.parse("2000-01-01T00:00:00Z")));
        assertThat(PostgresCopy.withLiterals("SELECT '?' , \"a?\" , ? , ?", List.of("x'y", 5L), true))
                .isEqualTo("SELECT '?' , \"a?\" , 'x''y' , (5)");
        assertThat(PostgresCopy.withLiterals("SELECT ?", List.of(new Object()), true)).as("an unknown class: the cursor reads").isNull();
    }

    @Test
    void nullsAndOddValuesDecodeAsTheCursorReadsThem() throws Exception {
        exec("UPDATE students SET phone = NULL, enrollment_date = NULL, first_name = '' WHERE id = 3");
        exec("UPDATE grades SET grade = 17.125, max_grade = 0.1 WHERE id = 4");
        exec("UPDATE grades SET grade = -0.0005 WHERE id = 5");
        assertSameRows(ExportType.STUDENTS, Map.of(), Optional.empty());
        assertSameRows(ExportType.GRADES, Map.of(), Optional.empty());
    }

    @Test
    void aColumnOfATypeNotDecodedFallsBackToTheCursor() throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS courses_money AS SELECT * FROM courses");
        }
        exec("ALTER TABLE courses_money ALTER COLUMN credits TYPE numeric(5,1)");
        JdbcDataSource money = JdbcDataSource.of(db, SmsSchema.builder().table("courses", "courses_money").build(), 1_000);
        long before = PostgresCopy.READS.get();
        List<Object[]> rows = read(money, ExportType.COURSES, Map.of(), Optional.empty());
        assertThat(PostgresCopy.READS.get()).as("an INTEGER column of type numeric: the cursor reads").isEqualTo(before);
        assertThat(rows).hasSize(read(JdbcDataSource.of(db), ExportType.COURSES, Map.of(), Optional.empty()).size());
    }

    @Test
    void closingHalfWayCancelsTheCopyAndTheConnectionWorksOn() throws Exception {
        JdbcDataSource source = JdbcDataSource.of(db);
        ExportQuery q = new ExportQuery(ExportType.GRADES, Map.of(), OptionalLong.empty(), List.of(), Optional.empty());
        for (int i = 0; i < 3; i++) {
            try (RowCursor c = source.open(q)) {
                assertThat(c.next()).isTrue();
                assertThat(c.next()).isTrue();
            }
        }
        assertSameRows(ExportType.GRADES, Map.of(), Optional.empty());
        assertThatThrownBy(() -> exec("SELECT * FROM no_such_table")).isInstanceOf(SQLException.class);
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
