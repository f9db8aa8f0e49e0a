package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.core.ExportService;

/** A database's error reaches the job, REST, mail and the metrics file: with its SQLState and words, never a row's value. */
class ErrorsWithoutValuesTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Databases.class)
    void aValueTheDatabaseCannotConvertIsNotInTheJobsError(Databases kind) throws Exception {
        DataSource db = kind.fresh();
        SampleData.load(db, SmsSchema.standard(), 5);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            // a host whose study_year holds text: reading it as the number it should be fails on the row's value
            s.execute(kind == Databases.H2 ? "ALTER TABLE students ALTER COLUMN study_year SET DATA TYPE VARCHAR(40)"
                    : "ALTER TABLE students ALTER COLUMN study_year TYPE VARCHAR(40)");
            s.execute("UPDATE students SET study_year = 'Maria Secret-Value' WHERE id = 2");
        }
        try (ExportService exports = ExportService.builder().dataSource(JdbcDataSource.of(db)).outputDirectory(dir).build()) {
            ExportOutcome o = exports.run(ExportRequest.builder().type("students").format("csv").build());
            assertThat(o).isInstanceOf(ExportOutcome.Failed.class);
            String error = o.job().errorMessage().orElseThrow();
            assertThat(error).contains("SQLState 22").doesNotContain("Maria").doesNotContain("Secret");
        }
    }

    @Test
    void keepsTheWordsOfADataErrorUpToItsValue() {
        assertThat(Sql.error("reading students", new SQLException("ERROR: invalid input syntax for type integer: \"Maria\"", "22P02"))
                .getMessage()).contains("(SQLState 22P02): invalid input syntax for type integer (the value is left out")
                .doesNotContain("Maria");
        assertThat(Sql.error("reading grades", new SQLException("Data conversion error converting \"Νίκος\"; SQL statement:\nSELECT",
                "22018")).getMessage()).contains("Data conversion error converting (the value").doesNotContain("Νίκος");
        assertThat(Sql.error("reading", new SQLException("Bad value for type long : Maria", "22003")).getMessage())
                .contains("Bad value for type long").doesNotContain("Maria");
        assertThat(Sql.error("reading", new SQLException("ERROR: relation \"students\" does not exist", "42P01")).getMessage())
                .as("a missing table is named: no row is in it").contains("relation \"students\" does not exist");
    }
}
