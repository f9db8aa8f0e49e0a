package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.spi.StoredJob;
import org.smsexport.test.MutableClock;

class MaintenanceTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T08:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore();

    private ExportService service() {
        return ExportService.builder().outputDirectory(dir.resolve("out")).dataSource(Fixtures.memory(50)).jobStore(store)
                .clock(clock).build();
    }

    private ExportJob export(ExportService s, String type) {
        ExportOutcome o = s.run(ExportRequest.builder().type(type).format("csv").build());
        assertThat(o).isInstanceOf(ExportOutcome.Completed.class);
        return o.job();
    }

    @Test
    void deletesOldFinishedJobsAndTheirFilesButNeverRunningOnes() throws Exception {
        try (ExportService s = service()) {
            ExportJob old = export(s, "students");
            ExportJob gone = export(s, "courses");
            Files.delete(s.file(gone.id()));
            ExportJob running = ExportJob.builder().id(JobId.random()).type("grades").format("csv").status(JobStatus.RUNNING)
                    .createdAt(clock.instant()).updatedAt(clock.instant()).owner("x").build();
            store.insert(StoredJob.of(running, "other", null, 0));
            clock.advance(Duration.ofDays(31));
            ExportJob recent = export(s, "grades");

            ExportMaintenance.CleanupResult dry = s.maintenance().cleanupOldExports(30, true, true);
            assertThat(dry.deletedJobs()).isEqualTo(2);
            assertThat(s.job(old.id())).isPresent();

            ExportMaintenance.CleanupResult r = s.maintenance().cleanupOldExports(30, true, false);
            assertThat(r.deletedJobs()).isEqualTo(2);
            assertThat(r.deletedFiles()).as("the already-missing file is not an error").isEqualTo(1);
            assertThat(r.errors()).isEmpty();
            assertThat(r.cutoffDate()).isEqualTo(clock.instant().minus(Duration.ofDays(30)));
            assertThat(s.job(old.id())).isEmpty();
            assertThat(s.job(running.id())).isPresent();
            assertThat(s.file(recent.id())).exists();
            assertThat(Fixtures.files(dir.resolve("out"))).hasSize(1);
        }
    }

    @Test
    void archivesOnceNeverOverwritesAndRemembersWhere() throws Exception {
        Path archive = dir.resolve("archive");
        try (ExportService s = service()) {
            ExportJob a = export(s, "students");
            ExportJob b = export(s, "courses");
            Path bFile = s.file(b.id());
            Files.createDirectories(archive);
            Files.writeString(archive.resolve(bFile.getFileName()), "already here");
            clock.advance(Duration.ofDays(40));

            ExportMaintenance.ArchiveResult first = s.maintenance().cleanupAndArchiveOldExports(30, archive, false);
            assertThat(first.archivedJobs()).isEqualTo(1);
            assertThat(first.errors()).singleElement().asString().contains(b.id().value()).contains("not overwritten");
            assertThat(Files.readString(archive.resolve(bFile.getFileName()))).isEqualTo("already here");
            assertThat(bFile).exists();

            ExportJob archived = s.job(a.id()).orElseThrow();
            assertThat(archived.status()).isEqualTo(JobStatus.ARCHIVED);
            Path moved = Path.of(archived.archivePath().orElseThrow());
            assertThat(moved).exists().hasParent(archive.toAbsolutePath().normalize());
            assertThat(Files.size(moved)).isEqualTo(a.fileSizeBytes());
            assertThat(s.completion(a.id()).get()).isInstanceOf(ExportOutcome.Completed.class);

            Files.delete(archive.resolve(bFile.getFileName()));
            ExportMaintenance.ArchiveResult second = s.maintenance().cleanupAndArchiveOldExports(30, archive, false);
            assertThat(second.archivedJobs()).as("only the one left over").isEqualTo(1);
            ExportMaintenance.ArchiveResult third = s.maintenance().cleanupAndArchiveOldExports(30, archive, false);
            assertThat(third.archivedJobs()).isZero();
            assertThat(third.errors()).isEmpty();
            assertThat(s.maintenance().cleanupOldExports(30, true, false).deletedJobs()).as("archived jobs are kept").isZero();
            assertThat(s.maintenance().generatePerformanceReport(90).successful()).as("from the metrics file").isEqualTo(2);
        }
    }

    @Test
    void archivingAJobThatChangedMeanwhileLeavesJobAndFileAsTheyWere() throws Exception {
        // another writer (a cancel, a notification result, another node's archive run) updates each job just
        // before the archive run's own update, so that update loses the optimistic race
        CountingStore racing = new CountingStore() {
            @Override
            public Optional<StoredJob> update(StoredJob current, StoredJob next) {
                if (next.job().status() == JobStatus.ARCHIVED) {
                    delegate.update(current, current.with(current.job().toBuilder().notificationSent(true).build()));
                }
                return super.update(current, next);
            }
        };
        Path archive = dir.resolve("archive");
        try (ExportService s = ExportService.builder().outputDirectory(dir.resolve("out")).dataSource(Fixtures.memory(20))
                .jobStore(racing).clock(clock).build()) {
            ExportJob job = export(s, "students");
            Path file = s.file(job.id());
            clock.advance(Duration.ofDays(40));
            ExportMaintenance.ArchiveResult r = s.maintenance().cleanupAndArchiveOldExports(30, archive, false);
            assertThat(r.archivedJobs()).isZero();
            assertThat(r.archivedFiles()).isZero();
            assertThat(r.errors()).singleElement().asString().contains(job.id().value(), "changed while being archived");
            assertThat(file).as("the file stays where the job says").exists();
            assertThat(s.job(job.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(archive.resolve(file.getFileName())).doesNotExist();
        }
    }

    @Test
    void refusesJobFileNamesThatLeaveTheOutputDirectory() throws Exception {
        Path outside = Files.writeString(dir.resolve("precious.txt"), "keep me");
        try (ExportService s = service()) {
            ExportJob evil = ExportJob.builder().id(JobId.random()).type("students").format("csv").status(JobStatus.COMPLETED)
                    .createdAt(clock.instant()).updatedAt(clock.instant()).owner("x").fileName("../precious.txt").build();
            store.insert(StoredJob.of(evil, "other", null, 0));
            clock.advance(Duration.ofDays(40));
            ExportMaintenance.CleanupResult r = s.maintenance().cleanupOldExports(30, true, false);
            assertThat(r.errors()).singleElement().asString().contains("not a plain file name");
            ExportMaintenance.ArchiveResult a = s.maintenance().cleanupAndArchiveOldExports(30, dir.resolve("archive"), false);
            assertThat(a.errors()).singleElement().asString().contains("not a plain file name");
        }
        assertThat(Files.readString(outside)).isEqualTo("keep me");
    }
}
