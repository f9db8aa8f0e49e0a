package org.smsexport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.smsexport.support.CellText;
import org.smsexport.support.FormulaGuard;

class ModelTest {

    private static final Locale GREEK = Locale.forLanguageTag("el");

    @Test
    void aJobCopiedWithToBuilderTakesWarningsAndEqualsComparesEveryField() {
        ExportJob job = ExportJob.builder().id(JobId.random()).type("students").format("csv").createdAt(Instant.EPOCH)
                .updatedAt(Instant.EPOCH).owner("alice").addWarning("first").build();
        ExportJob more = job.toBuilder().addWarning("second").build();
        assertThat(more.warnings()).containsExactly("first", "second");
        assertThat(job.warnings()).containsExactly("first");
        assertThat(job.toBuilder().build()).isEqualTo(job).hasSameHashCodeAs(job);
        assertThat(job.toBuilder().sha256("ab").build()).isNotEqualTo(job);
        assertThat(job.toBuilder().errorMessage("boom").build()).isNotEqualTo(job);
        assertThat(job.toBuilder().fileName("x.csv").build()).isNotEqualTo(job);
        assertThat(more).isNotEqualTo(job);
    }

    @Test
    void builtInTypesFollowTheOriginalDataModel() {
        assertThat(ExportType.builtIns()).extracting(ExportType::name)
                .containsExactly("students", "courses", "grades", "enrollments", "attendance");
        assertThat(ExportType.STUDENTS.columns()).extracting(Column::key).containsExactly("id", "student_id", "first_name",
                "last_name", "father_name", "email", "mobile_phone", "phone", "study_year", "academic_year", "class_division",
                "enrollment_date", "status");
        assertThat(ExportType.GRADES.column("grade")).contains(Column.decimal("grade", 2));
        assertThat(ExportType.STUDENTS.column("student_id").orElseThrow().type()).as("STU000123 stays text").isEqualTo(ColumnType.TEXT);
    }

    @Test
    void everyBuiltInLabelExistsInEnglishAndGreek() {
        for (ExportType type : ExportType.builtIns()) {
            for (Locale locale : new Locale[] {Locale.ENGLISH, GREEK}) {
                for (Column c : type.columns()) {
                    assertThat(type.columnLabel(c, locale)).as(type.name() + "." + c.key() + " in " + locale)
                            .isNotBlank().isNotEqualTo(c.key());
                }
            }
            assertThat(type.title(GREEK)).isNotEqualTo(type.title(Locale.ENGLISH));
        }
        assertThat(ExportType.STUDENTS.title(Locale.ENGLISH)).isEqualTo("Student Export Report");
        assertThat(ExportType.GRADES.label(GREEK)).isEqualTo("Βαθμολογίες");
        assertThat(ExportType.STUDENTS.columnLabel(ExportType.STUDENTS.columns().get(2), Locale.GERMAN)).isEqualTo("First Name");
    }

    @Test
    void hostTypesHaveLabelsOrReadableFallbacks() {
        ExportType t = ExportType.builder("fees").columns(Column.text("payer_name"), Column.decimal("amount", 2))
                .labels(GREEK, Map.of("type", "Δίδακτρα", "amount", "Ποσό")).build();
        assertThat(t.columnLabels(GREEK)).containsExactly("Payer name", "Ποσό");
        assertThat(t.label(GREEK)).isEqualTo("Δίδακτρα");
        assertThat(t.title(Locale.ENGLISH)).isEqualTo("Fees Export Report");
        assertThatThrownBy(() -> ExportType.builder("Bad Name").columns(Column.text("a"), Column.text("a")).build())
                .hasMessageContaining("name 'Bad Name' is not lower snake case").hasMessageContaining("duplicate column 'a'");
    }

    @Test
    void filterValuesAreTypedFromStringsOrObjects() {
        Map<String, Object> typed = ExportType.STUDENTS.parseFilters(Map.of("status", "Active", "study_year", "3",
                "enrolled_from", "2025-09-01", "enrolled_to", LocalDate.of(2026, 6, 30), "search", "  Ελένη "));
        assertThat(typed).containsEntry("status", "active").containsEntry("study_year", 3L)
                .containsEntry("enrolled_from", LocalDate.of(2025, 9, 1)).containsEntry("search", "Ελένη");
        assertThat(ExportType.ATTENDANCE.parseFilters(Map.of("status", "late"))).containsEntry("status", "Late");
        assertThat(ExportType.GRADES.parseFilters(Map.of("course_id", 7))).containsEntry("course_id", 7L);
    }

    @Test
    void equalHeadersAcrossBuiltInTypesMeanEqualValues() {
        for (java.util.Locale locale : List.of(java.util.Locale.ENGLISH, java.util.Locale.forLanguageTag("el"))) {
            // the registry code (STU000001) and the internal number (735) must not share a header
            String registry = ExportType.STUDENTS.columnLabel(ExportType.STUDENTS.columns().get(1), locale);
            for (ExportType related : List.of(ExportType.GRADES, ExportType.ENROLLMENTS, ExportType.ATTENDANCE)) {
                String internal = related.columnLabel(related.columns().get(related.indexOf("student_id")), locale);
                assertThat(internal).as("%s student_id in %s", related.name(), locale).isNotEqualTo(registry);
            }
            Map<String, String> keyOfLabel = new java.util.HashMap<>();
            for (ExportType t : ExportType.builtIns()) {
                for (Column c : t.columns()) {
                    // a type's own row id is "ID" everywhere; every other header names one column
                    String key = c.key().equals("id") ? "id" : t.name().equals("students") && c.key().equals("student_id")
                            ? "registry code" : c.key().equals("student_id") ? "student internal id" : c.key();
                    String before = keyOfLabel.putIfAbsent(t.columnLabel(c, locale), key);
                    assertThat(before == null ? key : before).as("header %s in %s", t.columnLabel(c, locale), t.name()).isEqualTo(key);
                }
            }
        }
        assertThat(ExportType.GRADES.columnLabels(java.util.Locale.ENGLISH)).contains("Student Internal ID");
        assertThat(ExportType.STUDENTS.columnLabels(java.util.Locale.ENGLISH)).contains("Student ID");
    }

    @Test
    void aRequestFromATemplateKeepsItsOwnValuesWhateverTheOrder() {
        Instant t0 = Instant.parse("2026-11-26T08:00:00Z");
        ExportTemplate template = new ExportTemplate("weekly", "alice", "students", "csv", Map.of("status", "active", "study_year", "1"),
                Map.of("delimiter", "semicolon", "bom", "false"), java.util.Optional.of(Locale.forLanguageTag("el")), java.util.Optional.empty(),
                t0, t0);
        ExportRequest r = ExportRequest.builder().filter("study_year", "2").template(template).option("bom", "true").build();
        assertThat(r.type()).isEqualTo("students");
        assertThat(r.format()).isEqualTo("csv");
        assertThat(r.filters()).containsEntry("status", "active").containsEntry("study_year", "2");
        assertThat(r.options()).containsEntry("delimiter", "semicolon").containsEntry("bom", "true");
        assertThat(r.locale().getLanguage()).isEqualTo("el");
        assertThat(ExportRequest.builder().template(template).locale(Locale.ENGLISH).format("pdf").build())
                .satisfies(x -> {
                    assertThat(x.locale()).isEqualTo(Locale.ENGLISH);
                    assertThat(x.format()).isEqualTo("pdf");
                });
        assertThatThrownBy(() -> new ExportTemplate("weekly", "a", "students", "csv", Map.of(), Map.of("password", "x"),
                java.util.Optional.empty(), java.util.Optional.empty(), t0, t0)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("cannot be kept in a template");
        assertThatThrownBy(() -> new ExportTemplate("Weekly Active", "a", "students", "csv", Map.of(), Map.of(), java.util.Optional.empty(),
                java.util.Optional.empty(), t0, t0)).hasMessageContaining("1 to 64 characters");
    }

    @Test
    void searchKeysIgnoreCaseAndAccents() {
        assertThat(FilterSpec.searchKey("ΕΛΈΝΗ")).isEqualTo(FilterSpec.searchKey("ελενη"));
        assertThat(FilterSpec.searchKey("Νικόλαος")).isEqualTo("νικολαοσ");
        assertThat(FilterSpec.searchKey("José")).isEqualTo("jose");
    }

    @Test
    void decimalsAreWrittenPlainWithTheirScaleAndHalfUp() {
        Column grade = Column.decimal("grade", 2);
        assertThat(CellText.format(grade, 2.675, ZoneId.of("UTC"))).isEqualTo("2.68");
        assertThat(CellText.format(grade, 1.005, ZoneId.of("UTC"))).isEqualTo("1.01");
        assertThat(CellText.format(grade, -0.5, ZoneId.of("UTC"))).isEqualTo("-0.50");
        assertThat(CellText.format(grade, 85, ZoneId.of("UTC"))).isEqualTo("85.00");
        assertThat(CellText.format(grade, 0.07, ZoneId.of("UTC"))).isEqualTo("0.07");
        assertThat(CellText.format(grade, new BigDecimal("19.999"), ZoneId.of("UTC"))).isEqualTo("20.00");
        assertThat(CellText.format(grade, 1e20, ZoneId.of("UTC"))).isEqualTo("100000000000000000000.00");
        assertThat(CellText.format(Column.decimal("x", -1), 1e-7, ZoneId.of("UTC"))).isEqualTo("0.0000001");
        assertThat(CellText.format(Column.decimal("x", 0), 2.5, ZoneId.of("UTC"))).isEqualTo("3");
        assertThat(CellText.format(grade, Double.NaN, ZoneId.of("UTC"))).isEqualTo("NaN");
    }

    @Test
    void datesAndDateTimesAreIso8601() {
        ZoneId athens = ZoneId.of("Europe/Athens");
        assertThat(CellText.format(Column.date("d"), LocalDate.of(7, 3, 9), athens)).isEqualTo("0007-03-09");
        assertThat(CellText.format(Column.dateTime("t"), Instant.parse("2026-01-31T10:30:00Z"), athens))
                .isEqualTo("2026-01-31T12:30:00+02:00");
    }

    @Test
    void wrongValueClassesAreNamedWithoutTheValue() {
        assertThatThrownBy(() -> CellText.format(Column.integer("study_year"), "ΜΥΣΤΙΚΟ", ZoneId.of("UTC")))
                .isInstanceOf(ExportException.class)
                .hasMessageContaining("Column 'study_year' is integer but the data source gave a java.lang.String")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ΜΥΣΤΙΚΟ"));
    }

    @Test
    void formulaGuardNeutralizesTheOwaspPrefixesOnly() {
        for (String bad : new String[] {"=1", "+1", "-1", "@x", "\tx", "\rx"}) {
            assertThat(FormulaGuard.neutralize(bad)).isEqualTo("'" + bad);
        }
        for (String ok : new String[] {"", "a=1", " =1", "Ελένη", "'quoted"}) {
            assertThat(FormulaGuard.neutralize(ok)).isEqualTo(ok);
        }
    }

    @Test
    void jobIdsAreRandomAndCannotCarryPaths() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(JobId.random().value());
        }
        assertThat(ids).hasSize(10_000).allMatch(s -> s.matches("[a-z2-7]{20}"));
        assertThatThrownBy(() -> JobId.of("../../etc/passwd")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is malformed");
    }

    @Test
    void metricsComputeThroughputEvenForInstantRuns() {
        Instant t = Instant.parse("2026-01-31T10:30:00Z");
        ExportJob job = ExportJob.builder().id(JobId.random()).type("students").format("csv").status(JobStatus.COMPLETED)
                .createdAt(t).startedAt(t).completedAt(t).updatedAt(t).owner("a").totalRecords(10).fileSizeBytes(1_048_576)
                .build();
        ExportMetrics m = ExportMetrics.of(job);
        assertThat(m.recordsPerSecond()).isEqualTo(1e7);
        assertThat(m.fileSizeMb()).isEqualTo(1.0);
        assertThat(job.fileSizeMb()).isEqualTo(1.0);
    }
}
