package org.smsexport.scheduler.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import org.smsexport.core.InMemoryDataSource;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.scheduler.CatchUp;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.scheduler.ScheduleInfo;
import org.smsexport.scheduler.ScheduleRequest;

/** The README's scheduler example, compiled and run here, and checked to be the one the README shows. */
class ReadmeExampleTest {

    @TempDir
    Path tmp;

    private static List<ZonedDateTime> example(ExportService exports, DataSource dataSource) {
        // BEGIN scheduler
        try (ExportScheduler scheduler = ExportScheduler.create(exports, dataSource)) {  // dataSource null: an H2 file in ./sms-export-scheduler
            scheduler.start();  // without start(), a client that only manages schedules other nodes run
            String id = scheduler.schedule(ScheduleRequest.builder("alice", "students", "csv")
                    .frequency("cron 30 2 * * 1-5").zone(ZoneId.of("Europe/Athens"))
                    .filter("status", "active").notifyEmail("registrar@uni.example.edu").catchUp(CatchUp.RUN_ONCE).build());
            List<ZonedDateTime> next = scheduler.nextFireTimes(id, 5);  // a preview, in the schedule's zone
            scheduler.scheduleMaintenance("daily");  // the retention cleanup, on the same engine
            // END scheduler
            return next;
        }
    }

    @Test
    void theSchedulerExampleRuns() {
        DataSource db = JdbcDataSource.driverManager("jdbc:h2:mem:readme;DB_CLOSE_DELAY=-1", "sa", "");
        try (ExportService exports = ExportService.builder().outputDirectory(tmp).dataSource(InMemoryDataSource.builder()
                .rows(ExportType.STUDENTS, List.<Object[]>of()).build()).build()) {
            List<ZonedDateTime> next = example(exports, db);
            assertThat(next).hasSize(5).allSatisfy(t -> {
                assertThat(t.getZone()).isEqualTo(ZoneId.of("Europe/Athens"));
                assertThat(t.toLocalTime().toString()).isEqualTo("02:30");
            });
            try (ExportScheduler client = ExportScheduler.create(exports, db)) {
                assertThat(client.list()).extracting(ScheduleInfo::id).satisfiesExactly(
                        id -> assertThat(id).startsWith("export_students_csv_alice_"), id -> assertThat(id).startsWith("maintenance_cleanup_"));
            }
        }
    }

    @Test
    void theReadmeShowsTheExampleAsCompiledHere() throws Exception {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        String source = Files.readString(Path.of("src/test/java/org/smsexport/scheduler/example/ReadmeExampleTest.java"));
        Matcher m = Pattern.compile("// BEGIN scheduler\\n(.*?)\\n\\s*// END scheduler", Pattern.DOTALL).matcher(source);
        assertThat(m.find()).isTrue();
        assertThat(readme).contains(m.group(1).stripIndent().strip() + "\n}");
    }
}
