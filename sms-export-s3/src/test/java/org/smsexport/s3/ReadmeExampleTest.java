package org.smsexport.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcAuditSink;
import org.smsexport.jdbc.JdbcJobStore;

/** The README's S3 example, compiled and built here (the client connects lazily), and checked to be what the README shows. */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void theReadmeExampleBuildsAServiceOnAnS3Bucket() {
        DataSource db = JdbcDataSource.driverManager("jdbc:h2:mem:readme-s3;DB_CLOSE_DELAY=-1", "sa", "");
        System.setProperty("aws.accessKeyId", "readme");
        System.setProperty("aws.secretAccessKey", "readme-secret");
        try (ExportService built = example(db, dir)) {
            assertThat(built.storage().describe("students.csv")).isEqualTo("s3://school-exports/exports/students.csv");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    private static ExportService example(DataSource db, Path exportsDir) {
        // BEGIN s3
        ExportService exports = ExportService.builder()
                .storage(S3Storage.builder().bucket("school-exports").region("eu-central-1").sse("AES256").build())
                .jobStore(JdbcJobStore.create(db))  // the shared queue, on the database every node uses
                .sharedDatabase(db)                 // where the nodes' shared mail outbox lives
                .auditSink(JdbcAuditSink.create(db))  // one audit trail for all nodes
                .outputDirectory(exportsDir)    // where files are written before they go up
                .build();
        // END s3
        return exports;
    }

    @Test
    void theReadmeShowsTheExampleAsCompiledHere() throws Exception {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        String source = Files.readString(Path.of("src/test/java/org/smsexport/s3/ReadmeExampleTest.java"));
        Matcher m = Pattern.compile("// BEGIN s3\\n(.*?)\\n\\s*// END s3", Pattern.DOTALL).matcher(source);
        assertThat(m.find()).isTrue();
        assertThat(readme).contains(m.group(1).stripIndent().strip().replace("exportsDir", "Path.of(\"data/exports\")"));
    }
}
