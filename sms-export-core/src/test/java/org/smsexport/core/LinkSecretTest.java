package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobId;

/** Nodes that share no output directory sign download links alike when they share EXPORT_LINK_SECRET. */
class LinkSecretTest {

    @TempDir
    Path dir;

    private ExportService node(String name, Map<String, String> more) {
        Map<String, String> m = new java.util.HashMap<>(more);
        m.put("EXPORT_OUTPUT_DIR", dir.resolve(name).toString());
        return ExportService.builder().config(m).discovery(false).downloadLinks("https://sms.example").build();
    }

    @Test
    void twoNodesWithOneSecretSignAlikeAndTheLinksExpireAsConfigured() {
        String secret = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        JobId job = JobId.random();
        try (ExportService a = node("a", Map.of("EXPORT_LINK_SECRET", secret, "EXPORT_LINK_EXPIRES_DAYS", "2"));
                ExportService b = node("b", Map.of("EXPORT_LINK_SECRET", secret))) {
            String token = a.downloadLinks().orElseThrow().token(job, "alice");
            assertThat(b.downloadLinks().orElseThrow().verify(job, "alice", token)).isEqualTo(DownloadLinks.Verdict.VALID);
            assertThat(a.downloadLinks().orElseThrow().validity()).isEqualTo(Duration.ofDays(2));
            assertThat(dir.resolve("a").resolve(".link-secret")).as("no file secret beside a configured one").doesNotExist();
        }
        // without the setting, each directory keeps its own secret: a link of one does not work on the other
        try (ExportService a = node("c", Map.of()); ExportService b = node("d", Map.of())) {
            String token = a.downloadLinks().orElseThrow().token(job, "alice");
            assertThat(b.downloadLinks().orElseThrow().verify(job, "alice", token)).isEqualTo(DownloadLinks.Verdict.TAMPERED);
        }
    }

    @Test
    void aShortOrMalformedSecretIsRefusedWithoutEchoingIt() {
        for (String bad : new String[] {"c2hvcnQ=", "not base64 at all!"}) {
            assertThatThrownBy(() -> node("e", Map.of("EXPORT_LINK_SECRET", bad))).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("EXPORT_LINK_SECRET must be base64 of 32 bytes or more").hasMessageNotContaining(bad);
        }
        assertThatThrownBy(() -> node("f", Map.of("EXPORT_LINK_EXPIRES_DAYS", "0"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("EXPORT_LINK_EXPIRES_DAYS must be 1..3650, got 0");
    }
}
