package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.JobStatus;
import org.smsexport.StorageException;

/**
 * An output directory another local user can write into: what they plant there (links to other files, a link
 * secret they know, a world-writable directory) is refused, never followed or trusted.
 */
class SharedDirectoryTest {

    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    private ExportService service() {
        return ExportService.builder().outputDirectory(dir).dataSource(Fixtures.memory(50)).downloadLinks("http://localhost").build();
    }

    private static ExportRequest request() {
        return ExportRequest.builder().type("students").format("csv").owner("alice").build();
    }

    @Test
    void aPlantedMetricsOrAuditLinkIsNotWrittenThrough() throws Exception {
        Path victim = Files.writeString(elsewhere.resolve("shadow"), "root only\n");
        Path audit = Files.writeString(elsewhere.resolve("passwd"), "root only\n");
        Files.createSymbolicLink(dir.resolve("metrics.jsonl"), victim);
        try (ExportService exports = service()) {
            ExportOutcome outcome = exports.run(request());
            // a metrics sink that cannot write is logged; the export itself is good
            assertThat(outcome.job().status()).isEqualTo(JobStatus.COMPLETED);
        }
        Files.delete(dir.resolve("audit.jsonl"));
        Files.createSymbolicLink(dir.resolve("audit.jsonl"), audit);
        try (ExportService exports = service()) {
            // an audit trail that cannot write: every export is audited or not made
            assertThatThrownBy(() -> exports.run(request())).hasMessageContaining("could not record")
                    .hasMessageContaining("every export is audited");
        }
        assertThat(Files.readString(victim)).isEqualTo("root only\n");
        assertThat(Files.readString(audit)).isEqualTo("root only\n");
        assertThat(Files.isSymbolicLink(dir.resolve("metrics.jsonl"))).isTrue();
    }

    @Test
    void aLinkSecretOthersCanReadOrThatIsALinkIsRefused() throws Exception {
        Path secret = dir.resolve(".link-secret");
        Files.writeString(secret, Base64.getEncoder().encodeToString(new byte[32]), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(this::service).hasMessageContaining(secret.toString()).hasMessageContaining("chmod 600");
        Files.delete(secret);
        Path known = Files.writeString(elsewhere.resolve("known"), Base64.getEncoder().encodeToString(new byte[32]));
        Files.setPosixFilePermissions(known, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(secret, known);
        assertThatThrownBy(this::service).hasMessageContaining("symbolic link");
    }

    @Test
    void aLinkSecretOfAnotherUserIsRefused() throws Exception {
        assumeThat(System.getProperty("user.name")).as("only root can give a file away").isEqualTo("root");
        Path secret = dir.resolve(".link-secret");
        Files.writeString(secret, Base64.getEncoder().encodeToString(new byte[32]), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(secret, nobody);
        assertThatThrownBy(this::service).hasMessageContaining("belongs to nobody");
    }

    @Test
    void anOutputDirectoryOthersCanWriteIntoIsRefusedUnlessSticky() throws Exception {
        Path shared = Files.createDirectory(elsewhere.resolve("share"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> ExportService.builder().outputDirectory(shared).dataSource(Fixtures.memory(5)).build())
                .isInstanceOf(StorageException.class).hasMessageContaining("chmod go-w");
        Path sticky = Files.createDirectory(elsewhere.resolve("sticky"));
        new ProcessBuilder("chmod", "1777", sticky.toString()).inheritIO().start().waitFor();
        try (ExportService exports = ExportService.builder().outputDirectory(sticky).dataSource(Fixtures.memory(5)).build()) {
            assertThat(exports.run(request()).job().status()).isEqualTo(JobStatus.COMPLETED);
        }
        Path created = elsewhere.resolve("new").resolve("exports");
        try (ExportService exports = ExportService.builder().outputDirectory(created).dataSource(Fixtures.memory(5)).build()) {
            assertThat(exports.config().outputDirectory()).isEqualTo(created);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created))).isEqualTo("rwx------");
        }
    }

    @Test
    void aPublishedFileReplacedByALinkIsNotServed() throws Exception {
        Path victim = Files.writeString(elsewhere.resolve("shadow"), "root only\n");
        try (ExportService exports = service()) {
            ExportOutcome.Completed done = (ExportOutcome.Completed) exports.run(request());
            Files.delete(done.file());
            Files.createSymbolicLink(done.file(), victim);
            assertThatThrownBy(() -> exports.content(done.job().id()).stream().readAllBytes()).isNotNull();
        }
    }
}
