package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;
import org.smsexport.spi.RowCursor;

/**
 * sqlite-jdbc is an optional dependency: an application on another database has no SQLite classes, and the source must
 * search there all the same (it once failed to load without them). Run in a JVM whose class path lacks the driver.
 */
class WithoutSqliteTest {

    /** Searches an H2 database; prints {@code OK n} with the rows found. */
    public static void main(String[] args) throws Exception {
        javax.sql.DataSource db = JdbcDataSource.driverManager("jdbc:h2:mem:nosqlite;DB_CLOSE_DELAY=-1", "sa", "");
        SampleData.load(db, SmsSchema.standard(), 20);
        ExportType students = ExportType.STUDENTS;
        long n = 0;
        try (RowCursor c = JdbcDataSource.of(db).open(new ExportQuery(students, students.parseFilters(java.util.Map.of("search", "a")),
                java.util.OptionalLong.empty(), List.of(), java.util.Optional.empty()))) {
            while (c.next()) {
                n++;
            }
        }
        System.out.println("OK " + n);
    }

    @Test
    void theSourceSearchesWithoutTheSqliteDriverOnTheClassPath() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("sqlite-jdbc")).collect(Collectors.joining(File.pathSeparator));
        assertThat(classPath).doesNotContain("sqlite");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                WithoutSqliteTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("OK ").doesNotContain("NoClassDefFoundError");
        assertThat(p.exitValue()).as(out).isZero();
    }
}
