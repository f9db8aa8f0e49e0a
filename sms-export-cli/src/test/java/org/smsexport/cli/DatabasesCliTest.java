package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.test.MariaDbServer;

/** The command line on SQLite (the original SMS's default) and on a real MariaDB server: demo fills it, the commands use it. */
class DatabasesCliTest {

    @TempDir
    Path dir;

    private void everyCommandOn(String url, String user, String password) throws Exception {
        String[] conn = {"--db", url, "--user", user, "--password", password};
        Cli.Run demo = Cli.run(concat(new String[] {"demo", "--rows", "60", "--dir", dir.resolve("demo").toString(), "--json"}, conn));
        assertThat(demo.code()).as(demo.err()).isZero();
        assertThat(demo.out().split("\n")).hasSize(15).allMatch(l -> l.contains("\"status\":\"completed\""));
        Cli.Run export = Cli.run(concat(new String[] {"export", "--type", "students", "--format", "xlsx", "--filter", "search=ελ", "--out",
            dir.resolve("out").toString(), "--json"}, conn));
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(new ObjectMapper().readTree(export.out()).get("rows").asLong()).isPositive();
        Cli.Run jobs = Cli.run(concat(new String[] {"jobs", "--json", "--limit", "3", "--out", dir.resolve("out").toString()}, conn));
        assertThat(jobs.code()).as(jobs.err()).isZero();
        assertThat(jobs.out().split("\n")).hasSize(3);
        Cli.Run schedule = Cli.run(concat(new String[] {"schedule", "add", "--type", "grades", "--format", "csv", "--frequency", "weekly",
            "--zone", "Europe/Athens"}, conn));
        assertThat(schedule.code()).as(schedule.err()).isZero();
        assertThat(Cli.run(concat(new String[] {"schedule", "list"}, conn)).out()).contains("grades");
        Cli.Run template = Cli.run(concat(new String[] {"template", "add", "a1", "--type", "students", "--format", "csv"}, conn));
        assertThat(template.code()).as(template.err()).isZero();
        Cli.Run audit = Cli.run(concat(new String[] {"audit", "--verify"}, conn));
        assertThat(audit.code()).as(audit.out() + audit.err()).isZero();
        Cli.Run check = Cli.run(concat(new String[] {"schema", "check"}, conn));
        assertThat(check.code()).as(check.err()).isZero();
    }

    @Test
    void sqlite() throws Exception {
        everyCommandOn("jdbc:sqlite:" + dir.resolve("sms.db"), "", "");
        Cli.Run typo = Cli.run("export", "--type", "students", "--format", "csv", "--db", "jdbc:sqlite:" + dir.resolve("smss.db"));
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("No SQLite database at").contains("smss.db");
        assertThat(dir.resolve("smss.db")).doesNotExist();
    }

    @Test
    void mariaDb() throws Exception {
        everyCommandOn(MariaDbServer.get().freshDatabase(), "root", "");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
