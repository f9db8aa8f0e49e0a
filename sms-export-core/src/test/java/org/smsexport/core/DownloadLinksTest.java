package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportRequest;
import org.smsexport.JobId;
import org.smsexport.spi.ExportEvent;
import org.smsexport.test.MutableClock;

class DownloadLinksTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));

    @Test
    void aLinkOpensItsOwnJobUntilItExpiresAndNothingElse() {
        DownloadLinks links = DownloadLinks.persistent(dir.resolve(".link-secret"), Duration.ofDays(7), clock);
        JobId job = JobId.random();
        String token = links.token(job, "alice");
        assertThat(links.verify(job, "alice", token)).isEqualTo(DownloadLinks.Verdict.VALID);
        assertThat(links.verify(job, "bob", token)).isEqualTo(DownloadLinks.Verdict.TAMPERED);
        assertThat(links.verify(JobId.random(), "alice", token)).isEqualTo(DownloadLinks.Verdict.TAMPERED);
        String later = (Long.parseLong(token.substring(0, token.indexOf('.'))) + 86_400) + token.substring(token.indexOf('.'));
        assertThat(links.verify(job, "alice", later)).as("expiry pushed back").isEqualTo(DownloadLinks.Verdict.TAMPERED);
        assertThat(links.verify(job, "alice", "garbage")).isEqualTo(DownloadLinks.Verdict.TAMPERED);
        assertThat(links.verify(job, "alice", "123.!!!")).isEqualTo(DownloadLinks.Verdict.TAMPERED);
        // numbers no instant can hold: malformed, never an exception (they were a 500 before)
        for (String huge : new String[] {"99999999999999999.x", "-9223372036854775808.x", "9223372036854775807.AAAA", "", "."}) {
            assertThat(links.verify(job, "alice", huge)).as(huge).isEqualTo(DownloadLinks.Verdict.TAMPERED);
            assertThat(links.expiry(huge)).as(huge).isEmpty();
        }
        // every changed character is refused, the last one too (its low bits carry nothing) and the expiry's spelling
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < token.length(); i++) {
            for (char c : alphabet.toCharArray()) {
                if (c != token.charAt(i) && token.charAt(i) != '.') {
                    String changed = token.substring(0, i) + c + token.substring(i + 1);
                    assertThat(links.verify(job, "alice", changed)).as(changed).isNotEqualTo(DownloadLinks.Verdict.VALID);
                }
            }
        }
        assertThat(links.verify(job, "alice", "+" + token)).isEqualTo(DownloadLinks.Verdict.TAMPERED);
        assertThat(links.verify(job, "alice", "0" + token)).isEqualTo(DownloadLinks.Verdict.TAMPERED);
        clock.advance(Duration.ofDays(7).plusSeconds(1));
        assertThat(links.verify(job, "alice", token)).isEqualTo(DownloadLinks.Verdict.EXPIRED);
    }

    @Test
    void anUnreadableSecretFailsTheBuildAsAStorageErrorWithoutLeakingThreads() throws Exception {
        Files.createDirectories(dir.resolve(".link-secret"));
        long before = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("sms-export-")).count();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExportService.builder().outputDirectory(dir)
                .dataSource(Fixtures.memory(5)).downloadLinks("https://sms.example").build())
                .isInstanceOf(org.smsexport.StorageException.class).hasMessageContaining(".link-secret");
        org.smsexport.test.Await.until("the engine's threads stopped", () -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("sms-export-")).count() <= before);
    }

    @Test
    void theSecretIsCreatedOnceOwnerOnlyAndSharedByEveryInstance() throws Exception {
        Path secret = dir.resolve(".link-secret");
        DownloadLinks first = DownloadLinks.persistent(secret, Duration.ofDays(7), clock);
        DownloadLinks second = DownloadLinks.persistent(secret, Duration.ofDays(7), clock);
        JobId job = JobId.random();
        assertThat(second.verify(job, "alice", first.token(job, "alice"))).isEqualTo(DownloadLinks.Verdict.VALID);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        DownloadLinks other = DownloadLinks.persistent(dir.resolve("other-secret"), Duration.ofDays(7), clock);
        assertThat(other.verify(job, "alice", first.token(job, "alice"))).isEqualTo(DownloadLinks.Verdict.TAMPERED);
    }

    @Test
    void notificationsOfCompletedJobsCarryASignedLink() {
        List<ExportEvent> events = new CopyOnWriteArrayList<>();
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(Fixtures.memory(5)).clock(clock)
                .downloadLinks("https://sms.example/").notifier(events::add).build()) {
            var job = exports.run(ExportRequest.builder().type("courses").format("csv").owner("alice").build()).job();
            String url = events.get(0).downloadUrl().orElseThrow();
            assertThat(url).startsWith("https://sms.example/api/v1/export-jobs/" + job.id() + "/download?token=");
            String token = url.substring(url.indexOf("token=") + 6);
            assertThat(exports.downloadLinks().orElseThrow().verify(job.id(), "alice", token)).isEqualTo(DownloadLinks.Verdict.VALID);
            assertThat(events.get(0).linkExpiresAt()).contains(Instant.ofEpochSecond(clock.instant().plus(Duration.ofDays(7))
                    .getEpochSecond()));
        }
    }

    @Test
    void theHostSaysHowALinkIsMade() {
        List<ExportEvent> events = new CopyOnWriteArrayList<>();
        try (ExportService exports = ExportService.builder().outputDirectory(dir).dataSource(Fixtures.memory(5)).clock(clock)
                .downloadLinks(DownloadLinks.template("https://school.example/sms/exports/{id}/file?t={token}"))
                .notifier(events::add).build()) {
            var job = exports.run(ExportRequest.builder().type("courses").format("csv").owner("alice").build()).job();
            String url = events.get(0).downloadUrl().orElseThrow();
            assertThat(url).startsWith("https://school.example/sms/exports/" + job.id() + "/file?t=");
            String token = url.substring(url.indexOf("?t=") + 3);
            assertThat(exports.downloadLinks().orElseThrow().verify(job.id(), "alice", token)).isEqualTo(DownloadLinks.Verdict.VALID);
        }
        for (String bad : List.of("https://x.example/{id}", "https://x.example/{token}", "ftp://x.example/{id}/{token}")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> DownloadLinks.template(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
    }
}
