package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.SortKey;
import org.smsexport.spi.RowCursor;

class InMemoryDataSourceTest {

    private static final List<Object[]> STUDENTS = List.of(
            student(1, "Γιώργος", "Παπαδόπουλος", 2, LocalDate.of(2023, 9, 1), "active"),
            student(2, "Maria", "Georgiou", 1, LocalDate.of(2024, 9, 1), "inactive"),
            student(3, "ΕΛΕΝΗ", "Νικολάου", 2, LocalDate.of(2025, 2, 1), "active"),
            student(4, "Nikos", "Παπαδάκης", 3, LocalDate.of(2022, 9, 1), "active"));

    private static Object[] student(long id, String first, String last, long year, LocalDate enrolled, String status) {
        return new Object[] {id, "STU" + id, first, last, null, first.toLowerCase() + "@x.edu", null, null, year, "2025-2026",
            "A1", enrolled, status};
    }

    private static final InMemoryDataSource SOURCE = InMemoryDataSource.builder().rows(ExportType.STUDENTS, STUDENTS).build();

    private static List<Long> ids(Map<String, ?> filters, List<SortKey> sort, OptionalLong limit) {
        ExportQuery q = new ExportQuery(ExportType.STUDENTS, ExportType.STUDENTS.parseFilters(filters), limit, sort,
                java.util.Optional.empty());
        List<Long> out = new ArrayList<>();
        try (RowCursor c = SOURCE.open(q)) {
            while (c.next()) {
                out.add((Long) c.get(0));
            }
        }
        assertThat(SOURCE.count(q)).as("count agrees with the rows for " + filters).hasValue(limit.isPresent()
                ? SOURCE.count(q).getAsLong() : out.size());
        return out;
    }

    @Test
    void sampleAcademicYearsAreOneYearAndTheNext() {
        int column = ExportType.STUDENTS.indexOf("academic_year");
        java.util.Iterator<Object[]> rows = org.smsexport.sample.SmsData.standard().rows(ExportType.STUDENTS, 2_000);
        int n = 0;
        while (rows.hasNext()) {
            String year = (String) rows.next()[column];
            int first = Integer.parseInt(year.substring(0, 4));
            assertThat(year).isEqualTo(first + "-" + (first + 1));
            n++;
        }
        assertThat(n).isEqualTo(2_000);
    }

    @Test
    void filtersByEveryKindOfFilter() {
        assertThat(ids(Map.of("status", "ACTIVE"), List.of(), OptionalLong.empty())).containsExactly(1L, 3L, 4L);
        assertThat(ids(Map.of("search", "ελένη"), List.of(), OptionalLong.empty())).containsExactly(3L);
        assertThat(ids(Map.of("search", "παπαδ"), List.of(), OptionalLong.empty())).containsExactly(1L, 4L);
        assertThat(ids(Map.of("search", "ΓΙΩΡΓΟΣ"), List.of(), OptionalLong.empty())).containsExactly(1L);
        assertThat(ids(Map.of("search", "MARIA@"), List.of(), OptionalLong.empty())).containsExactly(2L);
        assertThat(ids(Map.of("study_year", "2"), List.of(), OptionalLong.empty())).containsExactly(1L, 3L);
        assertThat(ids(Map.of("enrolled_from", "2023-09-01", "enrolled_to", LocalDate.of(2024, 9, 1)), List.of(),
                OptionalLong.empty())).containsExactly(1L, 2L);
        assertThat(ids(Map.of("status", "active", "study_year", 3), List.of(), OptionalLong.empty())).containsExactly(4L);
    }

    @Test
    void sortsAndLimits() {
        assertThat(ids(Map.of(), List.of(SortKey.parse("-enrollment_date")), OptionalLong.empty())).containsExactly(3L, 2L, 1L, 4L);
        assertThat(ids(Map.of(), List.of(SortKey.parse("study_year"), SortKey.parse("-id")), OptionalLong.of(3)))
                .containsExactly(2L, 3L, 1L);
        assertThat(ids(Map.of("status", "active"), List.of(), OptionalLong.of(2))).containsExactly(1L, 3L);
    }

    @Test
    void objectsCanCarryAttributesUsedOnlyByFilters() {
        record Grade(long id, long courseId, String code) {
        }
        List<Grade> grades = List.of(new Grade(1, 7, "CS101"), new Grade(2, 8, "MTH101"), new Grade(3, 7, "CS101"));
        InMemoryDataSource source = InMemoryDataSource.builder().objects(ExportType.GRADES, grades, (g, key) -> {
            switch (key) {
                case "id":
                    return g.id();
                case "course_id":
                    return g.courseId();
                case "course_code":
                    return g.code();
                default:
                    return null;
            }
        }).build();
        ExportQuery q = new ExportQuery(ExportType.GRADES, ExportType.GRADES.parseFilters(Map.of("course_id", 7)),
                OptionalLong.empty(), List.of(), java.util.Optional.empty());
        assertThat(source.count(q)).hasValue(2);
    }

    @Test
    void arraysCannotBeFilteredByAttributesTheyDoNotHave() {
        InMemoryDataSource source = InMemoryDataSource.builder().rows(ExportType.GRADES, List.of()).build();
        ExportQuery q = new ExportQuery(ExportType.GRADES, ExportType.GRADES.parseFilters(Map.of("course_id", 7)),
                OptionalLong.empty(), List.of(), java.util.Optional.empty());
        assertThat(source.count(q)).hasValue(0);
        InMemoryDataSource one = InMemoryDataSource.builder().rows(ExportType.GRADES, List.<Object[]>of(new Object[13])).build();
        assertThatThrownBy(() -> one.count(q)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("have no attribute 'course_id'; give them as maps or objects");
    }
}
