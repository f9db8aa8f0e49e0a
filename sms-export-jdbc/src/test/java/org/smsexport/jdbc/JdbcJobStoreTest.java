package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;

class JdbcJobStoreTest {

    @TempDir
    Path out;

    private static final Instant T = Instant.parse("2026-11-26T08:00:00.123456Z");

    private static ExportJob job(String owner, Instant created) {
        return ExportJob.builder().id(JobId.random()).type("students").format("csv").status(JobStatus.PENDING).createdAt(created)
                .updatedAt(created).owner(owner).filters(Map.of("search", "Ελένη=x\ny", "status", "active")).build();
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void keepsTemplatesPerOwner(Databases database) {
        JdbcTemplateStore store = JdbcTemplateStore.create(database.fresh());
        org.smsexport.ExportTemplate t = new org.smsexport.ExportTemplate("weekly_active", "alice", "students", "csv",
                Map.of("status", "active", "search", "Ελένη=x\ny"), Map.of("delimiter", "semicolon"),
                java.util.Optional.of(java.util.Locale.forLanguageTag("el")), java.util.Optional.of("Mondays"), T, T);
        store.insert(t);
        assertThat(store.find("alice", "weekly_active")).hasValue(t);
        assertThat(store.find("bob", "weekly_active")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.insert(t)).isInstanceOf(org.smsexport.DuplicateTemplateException.class);
        store.insert(new org.smsexport.ExportTemplate("weekly_active", "bob", "grades", "pdf", Map.of(), Map.of(), java.util.Optional.empty(),
                java.util.Optional.empty(), T, T));
        assertThat(store.list("alice")).hasSize(1);
        assertThat(store.list(null)).extracting(org.smsexport.ExportTemplate::owner).containsExactly("alice", "bob");
        org.smsexport.ExportTemplate changed = new org.smsexport.ExportTemplate("weekly_active", "alice", "courses", "xlsx", Map.of(),
                Map.of(), java.util.Optional.empty(), java.util.Optional.empty(), T, T.plusSeconds(5));
        assertThat(store.update(changed)).isTrue();
        assertThat(store.find("alice", "weekly_active")).hasValue(changed);
        assertThat(store.delete("alice", "weekly_active")).isTrue();
        assertThat(store.delete("alice", "weekly_active")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void jobsSurviveARestartAndInterruptedOnesAreRecovered(Databases database) throws Exception {
        DataSource db = database.fresh();
        SampleData.load(db, SmsSchema.standard(), 20);
        JobId done;
        try (ExportService first = ExportService.builder().dataSource(JdbcDataSource.of(db)).jobStore(JdbcJobStore.create(db))
                .outputDirectory(out).build()) {
            ExportOutcome o = first.run(ExportRequest.builder().type("students").format("csv").build());
            done = o.job().id();
        }
        JdbcJobStore store = JdbcJobStore.create(db);
        ExportJob crashed = job("alice", T).toBuilder().status(JobStatus.RUNNING).startedAt(T).build();
        store.insert(org.smsexport.spi.StoredJob.of(crashed, "deadprocess1", null, 0));
        try (ExportService second = ExportService.builder().dataSource(JdbcDataSource.of(db)).jobStore(store).outputDirectory(out)
                .clock(Clock.fixed(T.plusSeconds(60), ZoneOffset.UTC)).build()) {
            assertThat(second.job(done).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(second.file(done)).exists();
            ExportJob recovered = second.job(crashed.id()).orElseThrow();
            assertThat(recovered.status()).isEqualTo(JobStatus.FAILED);
            assertThat(recovered.errorMessage()).hasValueSatisfying(m -> assertThat(m).startsWith("Interrupted"));
        }
    }
}
