package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.JobFilter;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;

/** What a crash, a typo or a hostile setting found in the commands: each one fails cleanly and leaves nothing. */
class CliHardeningTest {

    @TempDir
    static Path dir;

    private static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    private static String db() {
        return DemoCommand.url(dir.resolve("demo"), true) + ";USER=sa";
    }

    @BeforeAll
    static void createDemoDatabase() {
        Cli.Run r = run("demo", "--rows", "100", "--dir", dir.resolve("demo").toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
    }

    @AfterEach
    void realEnvironment() {
        DatabaseOptions.environment = System.getenv();
    }

    private static List<Path> here(String glob) throws Exception {
        try (Stream<Path> s = Files.list(Path.of(""))) {
            return s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName())).toList();
        }
    }

    private static void assertOneLine(Cli.Run r, String expected) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains(expected).doesNotContain("\tat ").doesNotContain("Exception")
                .doesNotContain("java.");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void anEmptyOrFileOutIsRefusedAndNothingIsWritten() throws Exception {
        assertOneLine(run("export", "--type", "students", "--format", "csv", "--db", db(), "--out", ""), "--out must name a directory");
        assertThat(here("students_*")).as("no file in the working directory").isEmpty();
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertOneLine(run("export", "--type", "students", "--format", "csv", "--db", db(), "--out", file.toString()),
                "--out " + file + " is a file, not a directory.");
    }

    @Test
    void aFailedExportRemovesTheFoldersItCreatedAndNoOther() throws Exception {
        Path keep = Files.createDirectories(dir.resolve("keep"));
        for (Path out : List.of(keep.resolve("exports"), keep.resolve("made").resolve("exports"))) {
            // the service creates the folder (and its parent), then the check of the (empty) database fails
            assertOneLine(run("export", "--type", "students", "--format", "csv", "--db", "jdbc:h2:mem:nothing", "--out", out.toString()),
                    "The SMS tables are missing");
            assertThat(out).doesNotExist();
            assertThat(keep.resolve("made")).doesNotExist();
            assertThat(keep).as("there before the command, so kept though empty").isDirectory();
        }
    }

    @Test
    void formatOptionsPassAndAreCheckedAsTheApiDoes() throws Exception {
        Path out = dir.resolve("options");
        Cli.Run r = run("export", "--type", "courses", "--format", "csv", "--option", "delimiter=;", "--option", "bom=false", "--db", db(),
                "--out", out.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        String csv = Files.readString(Path.of(new ObjectMapper().readTree(r.out()).get("file").asText()));
        assertThat(csv).startsWith("ID;Course Code;Course Name;");
        assertOneLine(run("export", "--type", "courses", "--format", "csv", "--option", "colour=red", "--db", db(), "--out", out.toString()),
                "Unknown option 'colour' for format 'csv'. Valid options: [bom, delimiter, formula_guard, header, line_ending, password].");
        assertOneLine(run("export", "--type", "courses", "--format", "pdf", "--locale", "xx", "--db", db(), "--out", out.toString()),
                "Unknown locale 'xx' for courses. Available: [el, en].");
        // the accessible, archival report the issue asks for; veraPDF validates the writer's output in sms-export-pdf
        Cli.Run archived = run("export", "--type", "courses", "--format", "pdf", "--option", "accessible=true", "--option", "archival=true",
                "--locale", "el", "--db", db(), "--out", out.toString(), "--json");
        assertThat(archived.code()).as(archived.err()).isZero();
        String pdf = new String(Files.readAllBytes(Path.of(new ObjectMapper().readTree(archived.out()).get("file").asText())),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(pdf).startsWith("%PDF-1.7").contains("/StructTreeRoot", "/MarkInfo<</Marked true>>", "/Lang <FEFF0065006C>",
                "<pdfaid:part>2</pdfaid:part>", "<pdfaid:conformance>A</pdfaid:conformance>", "<pdfuaid:part>1</pdfuaid:part>",
                "/OutputIntents");
        assertOneLine(run("export", "--type", "courses", "--format", "pdf", "--option", "archival=true", "--option", "password=Secret123",
                "--db", db(), "--out", out.toString()), "Option 'password' cannot be used with 'archival=true': PDF/A forbids encryption, "
                + "so an archival report cannot be password-protected; leave out 'password' or set 'archival=false'.");
        // a schedule's password is kept sealed: never in what the command prints, nor in the database's text
        Cli.Run sealed = run("schedule", "add", "--type", "courses", "--format", "pdf", "--frequency", "daily", "--option",
                "password=TopSecret1", "--db", db(), "--out", dir.resolve("sealed").toString(), "--json");
        assertThat(sealed.code()).as(sealed.err()).isZero();
        assertThat(sealed.out() + sealed.err()).doesNotContain("TopSecret1");
        assertThat(dir.resolve("sealed").resolve(".secret-key")).exists();
    }

    @Test
    void exportRecordsItsJobInTheDatabaseAndItsMetricsBesideItsFiles() throws Exception {
        Path out = dir.resolve("recorded");
        Cli.Run r = run("export", "--type", "grades", "--format", "xlsx", "--db", db(), "--out", out.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        String id = new ObjectMapper().readTree(r.out()).get("id").asText();
        JdbcJobStore store = JdbcJobStore.create(JdbcDataSource.driverManager(db(), null, null));
        assertThat(store.find(org.smsexport.JobId.of(id))).isPresent();
        assertThat(store.count(JobFilter.all())).isGreaterThanOrEqualTo(10);
        Path metrics = out.resolve("metrics.jsonl");
        assertThat(Files.readString(metrics)).contains(id);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(metrics))).isEqualTo("rw-------");
        Cli.Run stats = run("stats", "--out", out.toString(), "--json");
        assertThat(new ObjectMapper().readTree(stats.out()).get("total_exports").asLong()).isEqualTo(1);
        assertOneLine(run("stats", "--type", "bogus", "--out", out.toString()), "Unknown export type 'bogus'");
    }

    @Test
    void theDemoDatabaseIsTheOwnersOnly() throws Exception {
        Path db = dir.resolve("demo").resolve("db");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db.resolve("sms.mv.db")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("demo").resolve("exports")
                .resolve("metrics.jsonl")))).isEqualTo("rw-------");
    }

    @Test
    void passwordsInJdbcUrlsAreNeverEchoed() {
        Cli.Run r = run("export", "--type", "students", "--format", "csv", "--db", "jdbc:postgres://h/db?user=u&password=TopSecret1",
                "--out", dir.resolve("never").toString());
        assertOneLine(r, "password=***");
        assertThat(r.err()).doesNotContain("TopSecret1");
        Cli.Run s = run("serve", "--token", "a:abcdefgh:user", "--port", "0", "--db", "jdbc:postgresql://u:TopSecret1@127.0.0.1:1/db",
                "--out", dir.resolve("never").toString());
        assertThat(s.code()).isEqualTo(2);
        assertThat(s.err()).doesNotContain("TopSecret1");
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void aMistypedH2DatabaseIsNeverCreated() {
        Path nope = dir.resolve("nope");
        assertOneLine(run("export", "--type", "students", "--format", "csv", "--db", "jdbc:h2:" + nope.resolve("db"), "--out",
                dir.resolve("never").toString()), "No H2 database at " + nope.resolve("db.mv.db").toAbsolutePath()
                + ". Create the demo database with 'sms-export demo --dir DIR'");
        assertThat(nope).doesNotExist();
    }

    @Test
    void jsonAndOdsAreFormatsLikeTheOthers() throws Exception {
        Path out = dir.resolve("json");
        Cli.Run r = run("export", "--type", "courses", "--format", "json", "--locale", "el", "--db", db(), "--out", out.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode done = new ObjectMapper().readTree(r.out());
        com.fasterxml.jackson.databind.JsonNode doc = new ObjectMapper().readTree(Path.of(done.get("file").asText()).toFile());
        assertThat(done.get("file").asText()).endsWith(".json");
        assertThat(doc.get("type").asText()).isEqualTo("courses");
        assertThat(doc.get("rows").size()).isEqualTo(done.get("rows").asInt()).isPositive();
        assertThat(doc.get("rows").get(0).get("credits").isIntegralNumber()).isTrue();
        assertThat(doc.get("columns").get(2).get("label").asText()).isEqualTo("Μάθημα");
        Cli.Run lines = run("export", "--type", "courses", "--format", "json", "--option", "jsonl=true", "--db", db(), "--out", out.toString(), "--json");
        assertThat(lines.code()).as(lines.err()).isZero();
        Path jsonl = Path.of(new ObjectMapper().readTree(lines.out()).get("file").asText());
        assertThat(jsonl.toString()).endsWith(".jsonl");
        assertThat(Files.readAllLines(jsonl)).hasSize(doc.get("rows").size());
        Cli.Run ods = run("export", "--type", "courses", "--format", "ods", "--db", db(), "--out", out.toString(), "--json");
        assertThat(ods.code()).as(ods.err()).isZero();
        Path sheet = Path.of(new ObjectMapper().readTree(ods.out()).get("file").asText());
        assertThat(sheet.toString()).endsWith(".ods");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(sheet.toFile())) {
            assertThat(zip.entries().nextElement().getName()).isEqualTo("mimetype");
            assertThat(new String(zip.getInputStream(zip.getEntry("content.xml")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("table:name=\"Courses\"").contains("<table:table-header-rows>");
        }
    }

    @Test
    void aDatabaseWithoutTheSmsTablesIsAnsweredInTheCommandLinesWords() throws Exception {
        Path empty = dir.resolve("empty-sqlite.db");
        java.sql.DriverManager.getConnection("jdbc:sqlite:" + empty).close();
        Cli.Run r = run("export", "--type", "students", "--format", "csv", "--db", "jdbc:sqlite:" + empty, "--out", dir.resolve("never-e").toString());
        assertThat(r.code()).as(r.err()).isNotZero();
        assertThat(r.err()).contains("The database has no table students", "--schema-map FILE")
                .doesNotContain("SmsSchema").doesNotContain("\tat ");
    }

    @Test
    void failingCommandsCreateNothing() throws Exception {
        Path out = dir.resolve("untouched");
        String[][] cases = {
            {"schedule", "add", "--type", "students", "--format", "csv", "--frequency", "cron 0 25 * * *", "--db", db(), "--out", out.toString()},
            {"schedule", "add", "--type", "students", "--format", "csv", "--frequency", "daily", "--zone", "Mars/Olympus", "--db", db(),
                "--out", out.toString()},
            {"schedule", "add", "--type", "students", "--format", "csv", "--frequency", "daily", "--catch-up", "sometimes", "--db", db(),
                "--out", out.toString()},
            {"schedule", "preview", "export_nothing_1", "--db", db(), "--out", out.toString()},
            {"serve", "--port", "70000", "--token", "a:abcdefgh:user", "--db", db(), "--out", out.toString()},
            {"serve", "--tokens-file", dir.resolve("missing").toString(), "--db", db(), "--out", out.toString()},
        };
        String[] expected = {"hour field '25'", "Time zone 'Mars/Olympus' is unknown", "sometimes", "export_nothing_1",
            "--port must be 0 to 65535, got 70000.", "--tokens-file " + dir.resolve("missing") + " does not exist."};
        for (int i = 0; i < cases.length; i++) {
            assertOneLine(run(cases[i]), expected[i]);
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertOneLine(run("serve", "--port", String.valueOf(port), "--token", "a:abcdefgh:user", "--db", db(), "--out", out.toString()),
                    "Cannot listen on 127.0.0.1:" + port + ": address already in use.");
        }
        assertThat(out).doesNotExist();
    }

    @Test
    void theEnvironmentConfiguresEveryServiceAndFlagsOverrideIt() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EXPORT_MAX_RECORDS", "50");
        DatabaseOptions.environment = env;
        Path out = dir.resolve("limited");
        Cli.Run over = run("export", "--type", "students", "--format", "csv", "--db", db(), "--out", out.toString(), "--json");
        assertThat(over.code()).isEqualTo(1);
        assertThat(over.err()).contains("over the limit of 50");
        Cli.Run flag = run("export", "--type", "students", "--format", "csv", "--db", db(), "--out", out.toString(), "--max-records", "0",
                "--json");
        assertThat(flag.code()).as(flag.err()).isZero();
        env.put("EXPORT_OVER_LIMIT", "truncate");
        Cli.Run truncated = run("export", "--type", "students", "--format", "csv", "--db", db(), "--out", out.toString(), "--json");
        assertThat(truncated.code()).as(truncated.err()).isZero();
        JsonNode t = new ObjectMapper().readTree(truncated.out());
        assertThat(t.get("rows").asLong()).isEqualTo(50);
        assertThat(t.get("warnings").toString()).contains("truncated");
        env.put("EXPORT_MAX_RECORDS", "many");
        assertOneLine(run("export", "--type", "students", "--format", "csv", "--db", db(), "--out", out.toString()), "EXPORT_MAX_RECORDS");
        env.remove("EXPORT_MAX_RECORDS");
        env.put("EXPORT_OUTPUT_DIR", dir.resolve("from-env").toString());
        Cli.Run fromEnv = run("export", "--type", "courses", "--format", "csv", "--db", db(), "--json");
        assertThat(fromEnv.code()).as(fromEnv.err()).isZero();
        assertThat(Path.of(new ObjectMapper().readTree(fromEnv.out()).get("file").asText())).startsWith(dir.resolve("from-env"));
    }

    @Test
    void jobsListsTheDatabasesJobsNewestFirstAndShowsOne() throws Exception {
        Path out = dir.resolve("listed");
        Cli.Run made = run("export", "--type", "attendance", "--format", "pdf", "--db", db(), "--out", out.toString(), "--json");
        assertThat(made.code()).as(made.err()).isZero();
        String id = new ObjectMapper().readTree(made.out()).get("id").asText();
        Cli.Run list = run("jobs", "--type", "attendance", "--status", "completed", "--limit", "5", "--db", db(), "--json");
        assertThat(list.code()).as(list.err()).isZero();
        JsonNode first = new ObjectMapper().readTree(list.out().lines().findFirst().orElseThrow());
        assertThat(first.get("id").asText()).isEqualTo(id);
        assertThat(first.get("type").asText()).isEqualTo("attendance");
        assertThat(first.get("rows").asLong()).isEqualTo(500);
        assertThat(first.get("file").asText()).startsWith("attendance_").endsWith(".pdf");
        Cli.Run table = run("jobs", "--db", db(), "--limit", "3");
        assertThat(table.out()).startsWith("id").contains("type", "format", "status", "rows", "size", "created", "file");
        assertThat(table.out().lines().count()).isEqualTo(4);
        Cli.Run show = run("jobs", "show", id, "--db", db());
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("status     completed", "sha256");
        assertOneLine(run("jobs", "show", "nope", "--db", db()), "No export job 'nope'");
        assertOneLine(run("jobs", "--status", "done", "--db", db()), "Unknown status 'done'. Valid: [pending, running, completed");
        Cli.Run dry = run("cleanup", "--days", "1", "--dry-run", "--db", db(), "--out", out.toString());
        assertThat(dry.out()).startsWith("Would delete ");
    }

    @Test
    void secretsStayOffTheCommandLineAndAreCheckedWhereTheyAreKept() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "alice:alice-secret-1:user\n");
        java.nio.file.Files.setPosixFilePermissions(tokens, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertOneLine(run("serve", "--db", db(), "--tokens-file", tokens.toString(), "--port", "0"), "chmod 600 " + tokens);
        assertOneLine(run("serve", "--db", db(), "--token", "a:same-secret:user", "--token", "b:same-secret:admin", "--port", "0"),
                "have the same secret");
        assertOneLine(run("serve", "--db", db(), "--token", "a:sha256=abc:user", "--port", "0"), "USER:sha256=HEX:ROLE");
        // the file's password from the environment: the workbook is encrypted though no password is on the command line
        DatabaseOptions.environment = Map.of(ExportCommand.FILE_PASSWORD, "Κωδικός-42");
        Cli.Run r = run("export", "--type", "courses", "--format", "xlsx", "--db", db(), "--out", dir.resolve("secret").toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("unknown configuration key");
        try (Stream<Path> files = Files.list(dir.resolve("secret"))) {
            Path xlsx = files.filter(p -> p.toString().endsWith(".xlsx")).findFirst().orElseThrow();
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(xlsx), 4);
            assertThat(head).as("an OLE2 container of the encrypted package, not a ZIP").containsExactly(0xD0, 0xCF, 0x11, 0xE0);
        }
    }

    @Test
    void aUsageErrorOfASubcommandNamesTheWholeCommand() {
        Cli.Run r = run("template", "add", "--bogus");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Try 'sms-export template add --help'.");
    }
}
