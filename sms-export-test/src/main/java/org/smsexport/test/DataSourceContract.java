package org.smsexport.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.smsexport.ColumnType;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;
import org.smsexport.FilterSpec;
import org.smsexport.SortKey;
import org.smsexport.sample.SmsData;
import org.smsexport.support.CellText;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.RowCursor;

/**
 * The behaviour every {@link DataSource} of the built-in types must have, as an abstract JUnit test: extend it
 * and return, from {@link #source()}, a source holding the sample data set {@code SmsData.sample(}{@value #STUDENTS}{@code )}
 * (what {@code SampleData.load(db, schema, }{@value #STUDENTS}{@code )} puts into a database). Each source is then
 * compared, cell by cell as canonical text, with the data set itself under the meaning the api gives filters
 * ({@link FilterSpec.Match}: equality ignoring case for text, search ignoring case and accents by
 * {@link FilterSpec#searchKey}, inclusive bounds): every type in id order, every filter of every type, counts,
 * limits, sorts, and cursors closed early. A source that can soft-delete rows says how in
 * {@link #softDeleteStudent(long)}; the test of it is skipped otherwise.
 *
 * <pre>{@code
 * class MyDataSourceTest extends DataSourceContract {
 *     protected DataSource source() {
 *         return new MyDataSource(databaseLoadedWith(SmsData.sample(STUDENTS)));
 *     }
 * }
 * }</pre>
 */
public abstract class DataSourceContract {

    /** Students in the sample data set. */
    protected static final int STUDENTS = 300;

    /** The sample data set every source under test holds. */
    protected static final SmsData DATA = SmsData.sample(STUDENTS);

    private static final List<String> SEARCHES = List.of("ελενη", "ΕΛΈΝΗ", "Παπαδόπουλος", "παπαδοπουλοσ", "garcia", "GARCÍA",
            "o'brien", "student1", "ς", "cs1", "μαθηματικα", "%", "_", "\\");

    /** For subclasses. */
    protected DataSourceContract() {
    }

    /** @return a source holding {@link #DATA}, new or reused (the soft-delete test gets a new one) */
    protected abstract DataSource source();

    /**
     * Marks a student deleted the source's way (for a database: {@code deleted_at} set), in the source
     * {@link #source()} returned last.
     *
     * @param id the student's id
     * @return {@code false} when the source has no soft deletes (the test is skipped)
     */
    protected boolean softDeleteStudent(long id) {
        return false;
    }

    /** @return the built-in types the source serves */
    private List<ExportType> types(DataSource source) {
        List<ExportType> out = new ArrayList<>();
        for (ExportType t : ExportType.builtIns()) {
            if (source.types().stream().anyMatch(s -> s.name().equals(t.name()))) {
                out.add(t);
            }
        }
        assertThat(out).as("the source serves built-in types").isNotEmpty();
        return out;
    }

    @Test
    void readsEveryTypeInIdOrderCellForCell() {
        DataSource source = source();
        for (ExportType type : types(source)) {
            ExportQuery all = ExportQuery.all(type);
            List<List<String>> expected = expected(type, r -> true);
            assertThat(read(source, all)).as(type.name()).isEqualTo(expected);
            assertThat(source.count(all)).as("count of %s", type.name()).satisfiesAnyOf(
                    c -> assertThat(c).isEmpty(), c -> assertThat(c).hasValue(expected.size()));
        }
    }

    @Test
    void appliesEveryFilterWithTheApisMeaning() {
        DataSource source = source();
        for (ExportType type : types(source)) {
            for (FilterSpec spec : type.filters().values()) {
                for (Object raw : values(type, spec)) {
                    Map<String, Object> filters = type.parseFilters(Map.of(spec.key(), raw));
                    ExportQuery q = new ExportQuery(type, filters, OptionalLong.empty(), List.of(), Optional.empty());
                    List<List<String>> expected = expected(type, row -> matches(type, spec, filters.get(spec.key()), row));
                    assertThat(ids(read(source, q))).as("%s %s=%s", type.name(), spec.key(), raw).isEqualTo(ids(expected));
                    OptionalLong count = source.count(q);
                    if (count.isPresent()) {
                        assertThat(count.getAsLong()).as("count of %s %s=%s", type.name(), spec.key(), raw).isEqualTo(expected.size());
                    }
                }
            }
        }
    }

    @Test
    void combinesFiltersWithAnd() {
        DataSource source = source();
        ExportType type = ExportType.STUDENTS;
        Map<String, Object> filters = type.parseFilters(Map.of("status", "active", "study_year", "2", "search", "ελένη"));
        ExportQuery q = new ExportQuery(type, filters, OptionalLong.empty(), List.of(), Optional.empty());
        List<List<String>> expected = expected(type, row -> type.filters().values().stream().filter(f -> filters.containsKey(f.key()))
                .allMatch(f -> matches(type, f, filters.get(f.key()), row)));
        assertThat(expected).as("the sample has active second-year Elenis").isNotEmpty();
        assertThat(ids(read(source, q))).isEqualTo(ids(expected));
    }

    @Test
    void limitsAndSortsWithTheIdBreakingTies() {
        DataSource source = source();
        ExportType type = ExportType.STUDENTS;
        assertThat(ids(read(source, ExportQuery.all(type).withLimit(7)))).isEqualTo(ids(expected(type, r -> true)).subList(0, 7));
        ExportQuery byYear = new ExportQuery(type, Map.of(), OptionalLong.of(50), List.of(SortKey.parse("-study_year"),
                SortKey.parse("enrollment_date")), Optional.empty());
        List<Object[]> all = new ArrayList<>();
        for (long i = 0; i < DATA.sampleRows(type); i++) {
            all.add(DATA.row(type, i));
        }
        int year = type.indexOf("study_year");
        int date = type.indexOf("enrollment_date");
        all.sort((a, b) -> {
            int c = Long.compare((Long) b[year], (Long) a[year]);
            c = c != 0 ? c : ((java.time.LocalDate) a[date]).compareTo((java.time.LocalDate) b[date]);
            return c != 0 ? c : Long.compare((Long) a[0], (Long) b[0]);
        });
        List<Long> expected = all.subList(0, 50).stream().map(r -> (Long) r[0]).toList();
        assertThat(ids(read(source, byYear))).isEqualTo(expected.stream().map(String::valueOf).toList());
    }

    @Test
    void cursorsCloseEarlyAndTwice() {
        DataSource source = source();
        for (ExportType type : types(source)) {
            RowCursor c = source.open(ExportQuery.all(type));
            assertThat(c.next()).isTrue();
            c.get(0);
            c.close();
            c.close();
        }
        // the source still answers after cursors were closed early
        assertThat(read(source, ExportQuery.all(ExportType.STUDENTS).withLimit(3))).hasSize(3);
    }

    @Test
    void leavesOutSoftDeletedRowsAndTheRowsOfDeletedStudents() {
        DataSource source = source();
        Assumptions.assumeTrue(softDeleteStudent(5), "the source has no soft deletes");
        List<String> students = ids(read(source, ExportQuery.all(ExportType.STUDENTS)));
        assertThat(students).hasSize(STUDENTS - 1).doesNotContain("5");
        int studentColumn = ExportType.GRADES.indexOf("student_id");
        List<List<String>> expected = expected(ExportType.GRADES, row -> !Long.valueOf(5).equals(row[studentColumn]));
        assertThat(ids(read(source, ExportQuery.all(ExportType.GRADES)))).isEqualTo(ids(expected));
    }

    // ------------------------------------------------------------------ the reference: the data set itself

    private static List<List<String>> expected(ExportType type, Predicate<Object[]> keep) {
        List<List<String>> out = new ArrayList<>();
        for (long i = 0; i < DATA.sampleRows(type); i++) {
            Object[] row = DATA.row(type, i);
            if (keep.test(row)) {
                out.add(text(type, row));
            }
        }
        return out;
    }

    private static List<String> text(ExportType type, Object[] row) {
        List<String> cells = new ArrayList<>(row.length);
        for (int i = 0; i < type.columns().size(); i++) {
            cells.add(row[i] == null ? null : CellText.format(type.columns().get(i), row[i], ZoneOffset.UTC));
        }
        return cells;
    }

    private static List<List<String>> read(DataSource source, ExportQuery q) {
        List<List<String>> out = new ArrayList<>();
        int n = q.type().columns().size();
        try (RowCursor c = source.open(q)) {
            while (c.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    row[i] = c.get(i);
                }
                out.add(text(q.type(), row));
            }
        }
        return out;
    }

    private static List<String> ids(List<List<String>> rows) {
        return rows.stream().map(r -> r.get(0)).toList();
    }

    /** The value of a filter attribute: a column, or (for the related types) the course a row refers to. */
    private static Object attribute(ExportType type, String key, Object[] row) {
        int i = type.indexOf(key);
        if (i >= 0) {
            return row[i];
        }
        if (key.equals("course_id")) {
            return DATA.courseId(type, (Long) row[0] - 1);
        }
        throw new AssertionError("no attribute '" + key + "' in the sample " + type.name());
    }

    private static boolean matches(ExportType type, FilterSpec spec, Object value, Object[] row) {
        switch (spec.match()) {
            case SEARCH: {
                String needle = FilterSpec.searchKey(value.toString());
                return spec.attributes().stream().map(a -> attribute(type, a, row))
                        .anyMatch(v -> v != null && FilterSpec.searchKey(v.toString()).contains(needle));
            }
            case EQUALS: {
                Object v = attribute(type, spec.attributes().get(0), row);
                return v != null && (value instanceof String ? ((String) value).equalsIgnoreCase(v.toString()) : same(v, value));
            }
            case AT_LEAST:
            case AT_MOST: {
                Object v = attribute(type, spec.attributes().get(0), row);
                if (v == null) {
                    return false;
                }
                int c = compare(v, value);
                return spec.match() == FilterSpec.Match.AT_LEAST ? c >= 0 : c <= 0;
            }
            default:
                throw new AssertionError(spec.match());
        }
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
        }
        return a.equals(b);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
        }
        return ((Comparable) a).compareTo(b);
    }

    /** Values to try for a filter: its choices, values found in the data, search terms that need care. */
    private static List<Object> values(ExportType type, FilterSpec spec) {
        List<Object> out = new ArrayList<>();
        if (!spec.allowedValues().isEmpty()) {
            out.addAll(spec.allowedValues());
            out.add(spec.allowedValues().get(0).toUpperCase(java.util.Locale.ROOT));
            return out;
        }
        if (spec.match() == FilterSpec.Match.SEARCH) {
            out.addAll(SEARCHES);
            Object first = attribute(type, spec.attributes().get(0), DATA.row(type, 4));
            out.add(first.toString().substring(0, Math.min(3, first.toString().length())));
            return out;
        }
        Map<String, Object> seen = new LinkedHashMap<>();
        for (long i : new long[] {0, 6, 41}) {
            Object v = attribute(type, spec.attributes().get(0), DATA.row(type, i));
            if (v != null) {
                Object raw = spec.valueType() == ColumnType.TEXT && i == 6 ? v.toString().toUpperCase(java.util.Locale.ROOT) : v;
                seen.putIfAbsent(raw.toString(), raw);
            }
        }
        out.addAll(seen.values());
        return out;
    }
}
