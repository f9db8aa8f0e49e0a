package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: exit codes, output, and what is left on disk. */
class CliTest {

    @TempDir
    static Path dir;

    private static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    private static Path demo() {
        return dir.resolve("demo");
    }

    @BeforeAll
    static void createDemoDatabase() {
        Cli.Run r = run("demo", "--rows", "300", "--dir", demo().toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void demoExportsStudentsCoursesAndGradesToEveryFormatAndReusesItsDatabase() throws Exception {
        Cli.Run r = run("demo", "--rows", "300", "--dir", demo().toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).hasSize(15);
        assertThat(lines).extracting(n -> n.get("type").asText() + "/" + n.get("format").asText())
                .containsExactly("students/csv", "students/json", "students/ods", "students/pdf", "students/xlsx", "courses/csv", "courses/json",
                        "courses/ods", "courses/pdf", "courses/xlsx", "grades/csv", "grades/json", "grades/ods", "grades/pdf", "grades/xlsx");
        assertThat(lines.get(0).get("rows").asLong()).isEqualTo(300);
        assertThat(lines.get(10).get("rows").asLong()).isEqualTo(1500);
        for (JsonNode n : lines) {
            assertThat(n.get("status").asText()).isEqualTo("completed");
            assertThat(Path.of(n.get("file").asText())).exists();
        }
        Cli.Run table = run("demo", "--dir", demo().toString());
        assertThat(table.code()).isZero();
        assertThat(table.err()).contains("Reusing the demo database");
        assertThat(table.out()).startsWith("type      format  status").contains("grades    xlsx    completed  1,500");
    }

    @Test
    void exportsOneTypeWithFiltersFromAnyJdbcUrl() throws Exception {
        Path out = dir.resolve("out");
        Cli.Run r = run("export", "--type", "students", "--format", "csv", "--filter", "status=active", "--filter", "study_year=2",
                "--limit", "20", "--db", DemoCommand.url(demo(), true), "--user", "sa", "--password", "", "--out", out.toString(),
                "--locale", "el", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.get("rows").asLong()).isBetween(1L, 20L);
        List<String> csv = Files.readAllLines(Path.of(result.get("file").asText()));
        assertThat(csv.get(0)).startsWith("\uFEFFΑ/Α,Αριθμός Μητρώου");
        assertThat(csv.subList(1, csv.size())).allMatch(l -> l.endsWith(",active"));
    }

    @Test
    void anExportNoRowMatchedSaysSoAndTheVersionIsPrinted() throws Exception {
        Cli.Run r = run("export", "--type", "students", "--format", "csv", "--filter", "search=zzzz-nobody", "--db",
                DemoCommand.url(demo(), true), "--user", "sa", "--password", "", "--out", dir.resolve("none").toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.get("rows").asLong()).isZero();
        assertThat(result.get("warnings").toString()).contains("No rows matched the filters (search)");
        Cli.Run v = run("-V");
        assertThat(v.code()).isZero();
        assertThat(v.out()).startsWith("sms-export ");
    }

    @Test
    void badInputGetsOneClearLineExitCodeTwoAndLeavesNothing() {
        Path out = dir.resolve("never");
        String db = DemoCommand.url(demo(), true) + ";USER=sa";
        String[][] cases = {
            {"export", "--type", "studnets", "--format", "csv", "--db", db, "--out", out.toString()},
            {"export", "--type", "students", "--format", "docx", "--db", db, "--out", out.toString()},
            {"export", "--type", "students", "--format", "csv", "--filter", "colour=red", "--db", db, "--out", out.toString()},
            {"export", "--type", "students", "--format", "csv", "--filter", "study_year=two", "--db", db, "--out", out.toString()},
            {"export", "--type", "students", "--format", "csv", "--db", "jdbc:h2:mem:empty", "--out", out.toString()},
            {"export", "--type", "students", "--format", "csv", "--db", "jdbc:nosuch:x", "--out", out.toString()},
            {"export", "--type", "students", "--format", "csv", "--db", db, "--user", "sa", "--password", "wrong", "--out",
                out.toString()},
            {"export", "--format", "csv"},
            {"demo", "--rows", "0", "--dir", dir.resolve("demo0").toString()},
            {"export", "--type", "students", "--format", "csv", "--filter", "colour", "--db", db, "--out", out.toString()},
            {"export", "--type", "students", "--format", "csv", "--limit", "ten", "--db", db, "--out", out.toString()},
            {"stats", "--type", "bogus", "--db", db},
            {"export", "--type", "students", "--format", "xls", "--db", db, "--out", out.toString()},
        };
        String[] expected = {"Unknown export type 'studnets'. Available: [students, courses, grades, enrollments, attendance].",
            "No exporter for format 'docx'. Available: [csv, json, ods, pdf, xlsx].",
            "Unknown filter 'colour' for type 'students'.", "Filter 'study_year' has value 'two'; expected a whole number.",
            "The SMS tables are missing", "No suitable driver found for jdbc:nosuch:x", "Wrong user name or password",
            "Missing required option: '--type=<type>'", "--rows must be at least 1, got 0",
            "--filter takes KEY=VALUE, got 'colour'", "Invalid value for option '--limit': 'ten' is not a whole number",
            "Unknown export type 'bogus'. Available: [students", "No exporter for format 'xls'. Available: [csv, json, ods, pdf, xlsx]. Did you mean 'xlsx'?"};
        for (int i = 0; i < cases.length; i++) {
            Cli.Run r = run(cases[i]);
            assertThat(r.code()).as(String.join(" ", cases[i])).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", cases[i])).startsWith("error: ").contains(expected[i])
                    .doesNotContain("\tat ").doesNotContain("Exception:");
            assertThat(r.out()).isEmpty();
            if (java.util.List.of(cases[i]).contains("xls") || java.util.List.of(cases[i]).contains("docx")) {
                assertThat(r.err()).as("no Java advice for a format on the command line").doesNotContain("builder()");
            }
        }
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("demo0")).doesNotExist();
    }

    @Test
    void schedulesExportsFromTheCommandLine() throws Exception {
        String db = DemoCommand.url(demo(), true) + ";USER=sa";
        Cli.Run add = run("schedule", "add", "--type", "students", "--format", "csv", "--frequency", "cron 30 2 * * 1-5", "--zone",
                "Europe/Athens", "--filter", "status=active", "--catch-up", "all", "--owner", "alice", "--locale", "el", "--db", db, "--json");
        assertThat(add.code()).as(add.err()).isZero();
        JsonNode created = new ObjectMapper().readTree(add.out());
        String id = created.get("id").asText();
        assertThat(id).matches("export_students_csv_alice_[0-9a-z]{8}");
        assertThat(created.get("zone").asText()).isEqualTo("Europe/Athens");
        assertThat(created.get("locale").asText()).isEqualTo("el");
        assertThat(created.get("catch_up").asText()).isEqualTo("all");
        assertThat(created.get("next_fire").asText()).contains("T02:30");

        Cli.Run duplicate = run("schedule", "add", "--type", "students", "--format", "csv", "--frequency", "cron 30 2 * * 1-5", "--zone",
                "Europe/Athens", "--filter", "status=active", "--catch-up", "all", "--owner", "alice", "--locale", "el", "--db", db);
        assertThat(duplicate.code()).isEqualTo(2);
        assertThat(duplicate.err()).contains("already exists", id);
        Cli.Run badCron = run("schedule", "add", "--type", "students", "--format", "csv", "--frequency", "cron 0 25 * * *", "--db", db);
        assertThat(badCron.code()).isEqualTo(2);
        assertThat(badCron.err()).contains("hour field '25'");

        Cli.Run list = run("schedule", "list", "--db", db, "--json");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(new ObjectMapper().readTree(list.out()).get("id").asText()).isEqualTo(id);
        Cli.Run table = run("schedule", "list", "--db", db);
        assertThat(table.out()).startsWith("id").contains(id, "cron 30 2 * * 1-5", "Europe/Athens");

        Cli.Run preview = run("schedule", "preview", id, "--count", "3", "--db", db, "--json");
        JsonNode times = new ObjectMapper().readTree(preview.out()).get("next_fire_times");
        assertThat(times).hasSize(3);
        times.forEach(t -> assertThat(t.asText()).contains("T02:30:00+0"));

        assertThat(run("schedule", "cancel", id, "--db", db).out()).contains("Cancelled " + id);
        Cli.Run again = run("schedule", "cancel", id, "--db", db);
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("No schedule '" + id + "'");
        assertThat(run("schedule", "list", "--db", db).out()).contains("No schedules.");
    }

    @Test
    void theSchedulerPrintsOneLinePerRun() throws Exception {
        Path demo = dir.resolve("scheduled-demo");
        assertThat(run("demo", "--rows", "40", "--dir", demo.toString(), "--json").code()).isZero();
        String db = DemoCommand.url(demo, true) + ";USER=sa";
        Path out = dir.resolve("scheduled");
        Cli.Run add = run("schedule", "add", "--type", "courses", "--format", "csv", "--frequency", "cron * * * * * *", "--owner", "ci",
                "--db", db, "--json");
        assertThat(add.code()).as(add.err()).isZero();
        String id = new ObjectMapper().readTree(add.out()).get("id").asText();
        assertThat(new ObjectMapper().readTree(add.out()).get("zone").asText()).isEqualTo("UTC");

        for (boolean json : new boolean[] {true, false}) {
            java.io.StringWriter printed = new java.io.StringWriter();
            List<String> args = new ArrayList<>(List.of("scheduler", "run", "--poll", "0.1", "--db", db, "--out", out.toString()));
            if (json) {
                args.add("--json");
            }
            Thread scheduler = new Thread(() -> Main.run(new java.io.PrintWriter(printed), new java.io.PrintWriter(new java.io.StringWriter()),
                    args.toArray(String[]::new)));
            scheduler.start();
            long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (printed.toString().lines().filter(l -> l.contains("completed")).count() < 2 && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            scheduler.interrupt();
            scheduler.join(20_000);
            assertThat(scheduler.isAlive()).as("the scheduler stops when interrupted").isFalse();
            List<String> lines = printed.toString().lines().filter(l -> l.contains("completed")).toList();
            assertThat(lines).as(printed.toString()).hasSizeGreaterThanOrEqualTo(2);
            if (json) {
                assertThat(printed.toString().lines()).as("with --json, stdout is JSON lines only").allMatch(l -> l.startsWith("{"));
                JsonNode runLine = new ObjectMapper().readTree(lines.get(0));
                assertThat(runLine.get("schedule_id").asText()).isEqualTo(id);
                assertThat(java.time.Instant.parse(runLine.get("slot").asText())).isNotNull();
                assertThat(runLine.get("status").asText()).isEqualTo("completed");
                assertThat(runLine.get("rows").asLong()).isPositive();
                assertThat(Path.of(runLine.get("file").asText())).exists().hasParent(out);
                Cli.Run job = run("jobs", "show", runLine.get("job_id").asText(), "--db", db, "--json");
                assertThat(new ObjectMapper().readTree(job.out()).get("rows").asLong()).isEqualTo(runLine.get("rows").asLong());
            } else {
                assertThat(printed.toString()).contains("schedule ", " slot ", " status ", " rows ");
                assertThat(lines.get(0)).startsWith(id).contains(" completed ", "courses_");
            }
        }
        Cli.Run list = run("schedule", "list", "--db", db, "--json");
        JsonNode schedule = new ObjectMapper().readTree(list.out());
        assertThat(schedule.get("zone").asText()).isEqualTo("UTC");
        assertThat(schedule.get("last_run").get("status").asText()).as("one case for every status").isEqualTo("completed");
    }

    @Test
    void savesTemplatesAndExportsFromThemWithOverrides() throws Exception {
        String db = DemoCommand.url(demo(), true) + ";USER=sa";
        Path out = dir.resolve("from-template");
        Cli.Run add = run("template", "add", "active_students", "--type", "students", "--format", "csv", "--filter", "status=active",
                "--option", "delimiter=semicolon", "--description", "For the office", "--db", db, "--json");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(new ObjectMapper().readTree(add.out()).get("filters").get("status").asText()).isEqualTo("active");
        Cli.Run again = run("template", "add", "active_students", "--type", "students", "--format", "csv", "--db", db);
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("exists already");
        assertThat(run("template", "add", "Bad Name", "--type", "students", "--format", "csv", "--db", db).err()).contains("1 to 64 characters");
        assertThat(run("template", "add", "secret", "--type", "students", "--format", "csv", "--option", "password=x1234567", "--db", db).err())
                .contains("cannot be kept in a template");
        assertThat(run("template", "add", "wrong", "--type", "students", "--format", "csv", "--filter", "colour=red", "--db", db).err())
                .as("checked as an export would be").contains("Unknown filter 'colour'");
        assertThat(run("template", "list", "--db", db).out()).contains("active_students", "For the office");
        assertThat(run("template", "show", "active_students", "--db", db).out()).contains("delimiter=semicolon");

        Cli.Run export = run("export", "--template", "active_students", "--filter", "study_year=2", "--db", db, "--out", out.toString(),
                "--json");
        assertThat(export.code()).as(export.err()).isZero();
        List<String> csv = Files.readAllLines(Path.of(new ObjectMapper().readTree(export.out()).get("file").asText()));
        assertThat(csv.get(0)).as("the template's semicolon").contains(";First Name;");
        assertThat(csv.subList(1, csv.size())).isNotEmpty().allSatisfy(l -> assertThat(l).endsWith(";active").contains(";2;"));
        Cli.Run pdf = run("export", "--template", "active_students", "--format", "pdf", "--option", "delimiter=comma", "--db", db, "--out",
                out.toString(), "--json");
        assertThat(pdf.code()).as("the command line's format wins; the template's CSV option is refused for PDF").isEqualTo(2);
        assertThat(pdf.err()).contains("Unknown option 'delimiter' for format 'pdf'");
        assertThat(run("export", "--template", "nope", "--db", db, "--out", out.toString()).err()).contains("No template 'nope'");

        Cli.Run scheduled = run("schedule", "add", "--template", "active_students", "--frequency", "weekly", "--db", db, "--json");
        assertThat(scheduled.code()).as(scheduled.err()).isZero();
        JsonNode schedule = new ObjectMapper().readTree(scheduled.out());
        assertThat(schedule.get("template").asText()).isEqualTo("active_students");
        assertThat(schedule.get("export_type").asText()).as("the template's, for the id").isEqualTo("students");
        assertThat(run("schedule", "cancel", schedule.get("id").asText(), "--db", db).code()).isZero();
        assertThat(run("template", "delete", "active_students", "--db", db).out()).contains("Deleted template active_students");
        assertThat(run("template", "list", "--db", db).out()).contains("No templates.");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"demo", "export", "schedule add", "schedule list", "schedule preview", "schedule cancel",
            "scheduler run", "template add", "template list", "template show", "template delete", "audit", "schema", "worker"}) {
            Cli.Run r = run((command + " --help").split(" "));
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: sms-export " + command);
        }
        assertThat(run("--help").out()).contains("demo", "export", "stats", "slowest", "cleanup", "serve", "schedule", "scheduler");
    }

    @Test
    void demoFillsAnyDatabaseGivenItsUrl() throws Exception {
        String url = "jdbc:h2:mem:demo-elsewhere;DB_CLOSE_DELAY=-1";
        Cli.Run r = run("demo", "--db", url, "--user", "sa", "--password", "", "--rows", "40", "--dir", dir.resolve("other").toString(),
                "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().split("\n")).hasSize(15).allMatch(l -> l.contains("\"status\":\"completed\""));
        assertThat(new ObjectMapper().readTree(r.out().split("\n")[0]).get("rows").asLong()).isEqualTo(40);
        assertThat(dir.resolve("other").resolve("db")).as("no embedded database made beside it").doesNotExist();
        Cli.Run again = run("demo", "--db", url, "--user", "sa", "--password", "", "--dir", dir.resolve("other").toString());
        assertThat(again.err()).contains("Reusing the demo database in jdbc:h2:mem:demo-elsewhere");
    }

    @Test
    void aWorkerRunsWhatAnotherProcessQueued() throws Exception {
        String db = DemoCommand.url(demo(), true);
        Path out = demo().resolve("exports");
        Thread worker = new Thread(() -> run("worker", "--db", db, "--user", "sa", "--password", "", "--out", out.toString(),
                "--node", "w1", "--workers", "1"));
        worker.start();
        try (org.smsexport.core.ExportService front = org.smsexport.core.ExportService.builder()
                .dataSource(org.smsexport.jdbc.JdbcDataSource.of(org.smsexport.jdbc.JdbcDataSource.driverManager(db, "sa", "")))
                .jobStore(org.smsexport.jdbc.JdbcJobStore.create(org.smsexport.jdbc.JdbcDataSource.driverManager(db, "sa", "")))
                .outputDirectory(out).workers(0).nodeName("front").recoveryGrace(java.time.Duration.ofMinutes(1)).build()) {
            org.smsexport.JobId id = front.submit(org.smsexport.ExportRequest.builder().type("courses").format("csv").build()).id();
            org.smsexport.ExportOutcome o = front.completion(id).get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(o.job().status()).isEqualTo(org.smsexport.JobStatus.COMPLETED);
            assertThat(o.job().node()).contains("w1");
            Cli.Run jobs = run("jobs", "--db", db, "--user", "sa", "--password", "", "--json", "--limit", "1");
            assertThat(new ObjectMapper().readTree(jobs.out().split("\n")[0]).get("node").asText()).isEqualTo("w1");
        } finally {
            worker.interrupt();
            worker.join(30_000);
        }
        assertThat(worker.isAlive()).isFalse();
        Cli.Run none = run("worker", "--workers", "0", "--db", db, "--user", "sa", "--password", "");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--workers must be 1 to 256 for a worker, got 0");
    }

    @Test
    void deltaExportsAndTheSchemaMigrationFromTheCommandLine() throws Exception {
        Cli.Run migrate = run("schema", "--migrate-sql");
        assertThat(migrate.code()).isZero();
        assertThat(migrate.out()).contains("ALTER TABLE students ADD COLUMN IF NOT EXISTS updated_at TIMESTAMP WITH TIME ZONE;",
                "CREATE INDEX IF NOT EXISTS grades_updated_idx ON grades (updated_at);");
        assertThat(run("schema").out()).startsWith("CREATE TABLE IF NOT EXISTS students (");

        String db = DemoCommand.url(demo(), true);
        Path out = dir.resolve("delta");
        Cli.Run all = run("export", "--type", "courses", "--format", "csv", "--changed-since", "2000-01-01", "--db", db, "--user", "sa",
                "--password", "", "--out", out.toString(), "--json");
        assertThat(all.code()).as(all.err()).isZero();
        List<String> csv = Files.readAllLines(Path.of(new ObjectMapper().readTree(all.out()).get("file").asText()));
        assertThat(csv.get(0)).endsWith(",Change");
        assertThat(csv.subList(1, csv.size())).isNotEmpty().allMatch(l -> l.endsWith(",upsert"));

        Cli.Run future = run("export", "--type", "courses", "--format", "csv", "--changed-since", "2999-01-01T00:00:00Z", "--db", db,
                "--user", "sa", "--password", "", "--out", out.toString());
        assertThat(future.code()).isEqualTo(2);
        assertThat(future.err()).contains("in the future");
        Cli.Run bad = run("export", "--type", "courses", "--format", "csv", "--changed-since", "last tuesday", "--db", db);
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--changed-since takes an instant such as 2026-01-31T00:00:00Z", "'last tuesday'");
    }

    @Test
    void auditListsWhatTheDemoDidAndVerifyExitsOneNamingATamperedRecord() throws Exception {
        String db = DemoCommand.url(demo(), true);
        Cli.Run r = run("audit", "--db", db, "--user", "sa", "--password", "", "--json", "--limit", "5");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(5);
        JsonNode newest = new ObjectMapper().readTree(lines[0]);
        assertThat(newest.get("event").asText()).isIn("created", "started", "completed", "failed", "deleted", "cancelled");
        assertThat(newest.get("hash").asText()).hasSize(64);
        Cli.Run table = run("audit", "--db", db, "--user", "sa", "--password", "", "--limit", "3");
        assertThat(table.out()).startsWith("seq").contains("event", "actor");

        Cli.Run whole = run("audit", "--verify", "--db", db, "--user", "sa", "--password", "");
        assertThat(whole.code()).as(whole.err()).isZero();
        assertThat(whole.out()).startsWith("The audit trail is whole: ");
        javax.sql.DataSource h2 = org.smsexport.jdbc.JdbcDataSource.driverManager(db, "sa", "");
        String actor;
        try (var c = h2.getConnection(); var s = c.createStatement(); var rs = s.executeQuery("SELECT actor FROM sms_export_audit WHERE seq = 2")) {
            assertThat(rs.next()).isTrue();
            actor = rs.getString(1);
            s.executeUpdate("UPDATE sms_export_audit SET actor = 'mallory' WHERE seq = 2");
        }
        try {
            Cli.Run broken = run("audit", "--verify", "--db", db, "--user", "sa", "--password", "");
            assertThat(broken.code()).isEqualTo(1);
            assertThat(broken.err()).startsWith("Record 2 (").contains("hash does not match");
        } finally {
            try (var c = h2.getConnection(); var ps = c.prepareStatement("UPDATE sms_export_audit SET actor = ? WHERE seq = 2")) {
                ps.setString(1, actor);
                ps.executeUpdate();
            }
        }
    }

    @Test
    void statsSlowestAndCleanupReadWhatTheDemoLeft() throws Exception {
        String metrics = demo().resolve("exports").resolve("metrics.jsonl").toString();
        Cli.Run stats = run("stats", "--metrics", metrics, "--days", "1", "--json");
        assertThat(stats.code()).as(stats.err()).isZero();
        JsonNode s = new ObjectMapper().readTree(stats.out());
        assertThat(s.get("total_exports").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(s.get("successful").asLong()).isEqualTo(s.get("total_exports").asLong());
        assertThat(s.get("exports_by_format").get("xlsx").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(run("stats", "--metrics", metrics, "--type", "grades").out()).contains("Exports in the last 7 days of grades");

        Cli.Run slowest = run("slowest", "--metrics", metrics, "--limit", "3", "--json");
        assertThat(slowest.code()).isZero();
        assertThat(slowest.out().split("\n")).hasSize(3);

        Cli.Run cleanup = run("cleanup", "--db", DemoCommand.url(demo(), true) + ";USER=sa", "--out", demo().resolve("exports").toString(),
                "--days", "1", "--dry-run", "--json");
        assertThat(cleanup.code()).as(cleanup.err()).isZero();
        JsonNode c = new ObjectMapper().readTree(cleanup.out());
        assertThat(c.get("deleted_jobs").asLong()).as("nothing is a day old yet").isZero();
        assertThat(c.get("dry_run").asBoolean()).isTrue();

        Cli.Run missing = run("stats", "--metrics", dir.resolve("nope.jsonl").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).startsWith("error: No metrics file at ");
    }
}
