package org.smsexport.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.test.MutableClock;

/** The scheduler on an embedded H2 database with a clock the test moves: no waiting for real hours. */
class ExportSchedulerTest {

    private static final AtomicInteger DB = new AtomicInteger();
    private static final Instant T0 = Instant.parse("2026-03-02T10:30:00Z");

    @TempDir
    Path dir;

    private final DataSource db = JdbcDataSource.driverManager("jdbc:h2:mem:sched" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "");
    private final MutableClock clock = MutableClock.ticking(T0);
    private Node node;

    private Node node(String name) {
        node = new Node(db, clock, dir.resolve(name), name);
        return node;
    }

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private static ScheduleRequest.Builder students(String owner) {
        return ScheduleRequest.builder(owner, "students", "csv");
    }

    @Test
    void aScheduleInGreekWritesGreekHeadersAndAnUnknownLanguageIsRefused() throws Exception {
        Node n = node("a");
        String id = n.scheduler.schedule(students("alice").locale(java.util.Locale.forLanguageTag("el")).option("bom", "false").build());
        assertThat(n.scheduler.get(id).orElseThrow().request().locale()).contains(java.util.Locale.forLanguageTag("el"));
        org.smsexport.ExportOutcome o = n.exports.completion(n.scheduler.runNow(id)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(java.nio.file.Files.readAllLines(((org.smsexport.ExportOutcome.Completed) o).file()).get(0)).startsWith("Α/Α");
        assertThatThrownBy(() -> n.scheduler.schedule(students("alice").locale(java.util.Locale.forLanguageTag("xx")).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'xx'");
    }

    private static List<ScheduleRun> finished(ExportScheduler s, String id) {
        return s.runs(id, 100).stream().filter(r -> r.status() != RunStatus.RUNNING).collect(Collectors.toList());
    }

    @Test
    void theTablesCarryTheServicesTablePrefix() throws Exception {
        try (org.smsexport.core.ExportService exports = org.smsexport.core.ExportService.builder()
                .config(java.util.Map.of("EXPORT_TABLE_PREFIX", "school_exp_"))
                .dataSource(org.smsexport.core.InMemoryDataSource.builder().rows(org.smsexport.ExportType.STUDENTS, List.of()).build())
                .outputDirectory(dir.resolve("prefixed")).noMetricsFile()
                .build();
                ExportScheduler s = ExportScheduler.builder(exports).dataSource(db).nodeName("p").build()) {
            String id = s.schedule(students("alice").frequency("daily").build());
            assertThat(s.get(id)).isPresent();
            java.util.Set<String> tables = new java.util.HashSet<>();
            try (var c = db.getConnection(); var rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
                }
            }
            assertThat(tables).contains("school_exp_schedules", "school_exp_schedule_runs", "school_exp_scheduled_tasks")
                    .noneMatch(t -> t.startsWith("sms_export_"));
        }
        assertThat(ExportScheduler.ddl("school_exp_", org.smsexport.support.SqlDialect.POSTGRESQL)).allMatch(sql -> sql.contains("school_exp_")).noneMatch(sql -> sql.contains("sms_export_"));
    }

    @Test
    void givesReadableIdsNeverReusedAndRefusesDuplicatesAndBadRequests() {
        ExportScheduler s = node("a").scheduler;
        String first = s.schedule(students("Alice").build());
        assertThat(first).matches("export_students_csv_alice_[0-9a-z]{8}");
        assertThat(s.schedule(students("Alice").frequency("weekly").build())).matches("export_students_csv_alice_[0-9a-z]{8}")
                .isNotEqualTo(first);
        assertThat(s.schedule(ScheduleRequest.builder("alice", "grades", "csv").build())).matches("export_grades_csv_alice_[0-9a-z]{8}");
        assertThatThrownBy(() -> s.schedule(students("Alice").build())).isInstanceOf(DuplicateScheduleException.class)
                .hasMessageContaining("'" + first + "'");
        // a schedule made again after a delete is a new schedule: a new id, so none of the old one's runs or watermark
        s.cancel(first);
        assertThat(s.schedule(students("Alice").build())).isNotEqualTo(first);
        assertThatThrownBy(() -> s.schedule(ScheduleRequest.builder("alice", "studnets", "csv").build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'studnets'");
        assertThatThrownBy(() -> s.schedule(students("alice").filter("colour", "red").build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'colour'");
        assertThat(s.list()).hasSize(3);
        assertThat(s.list("alice")).hasSize(1);
    }

    @Test
    void plainUtcIsSpelledUtcHoweverItWasGiven() {
        assertThat(students("a").build().zone().getId()).isEqualTo("UTC");
        for (String z : List.of("Z", "UTC", "Etc/UTC", "GMT", "UTC+0")) {
            assertThat(students("a").zone(ZoneId.of(z)).build().zone().getId()).as(z).isEqualTo("UTC");
        }
        assertThat(students("a").zone(ZoneId.of("Europe/London")).build().zone().getId()).isEqualTo("Europe/London");
    }

    @Test
    void closeEndsInBoundedTimeEvenWhileASlotRuns() throws Exception {
        Node n = node("a");
        n.source.gate = new CountDownLatch(1); // the export waits at its first row until released
        ExportScheduler s = ExportScheduler.builder(n.exports).dataSource(db).clock(clock).nodeName("b")
                .pollingInterval(Duration.ofMillis(50)).shutdownMaxWait(Duration.ofMillis(300)).build();
        try {
            String id = s.schedule(students("alice").frequency("hourly").build());
            s.start();
            clock.set(Instant.parse("2026-03-02T11:00:01Z"));
            Node.await("the slot to start", () -> n.source.running.get() == 1);
            long t0 = System.nanoTime();
            s.stop();
            // db-scheduler's default would wait up to 30 minutes; the scheduler's threads are interrupted instead
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
            assertThat(s.isAvailable()).isFalse();
            assertThat(s.runs(id, 1)).singleElement().satisfies(r -> assertThat(r.status()).isIn(RunStatus.RUNNING, RunStatus.FAILED));
        } finally {
            n.source.gate.countDown();
        }
        assertThatThrownBy(() -> ExportScheduler.builder(n.exports).shutdownMaxWait(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aManualRunWhoseSlotIsTakenIsRefusedAndRunsNothing() {
        MutableClock still = new MutableClock(T0);
        node = new Node(db, still, dir.resolve("still"), "still");
        String id = node.scheduler.schedule(students("alice").build());
        JobId first = node.scheduler.runNow(id);
        // while that run goes on, another is refused
        assertThatThrownBy(() -> node.scheduler.runNow(id)).isInstanceOf(org.smsexport.JobStateException.class)
                .hasMessageContaining("is running now");
        node.exports.completion(first).join();
        // ended, but the same millisecond: the ledger already has this (schedule, slot)
        assertThatThrownBy(() -> node.scheduler.runNow(id)).isInstanceOf(org.smsexport.JobStateException.class)
                .hasMessageContaining("just run manually");
        assertThat(node.exports.jobs(org.smsexport.JobFilter.all())).extracting(j -> j.id()).containsExactly(first);
    }

    @Test
    void keepsSchedulesInAnEmbeddedH2FileWhenGivenNoDatabase() {
        Node n = node("a");
        Path h2 = dir.resolve("scheduler-db");
        String made;
        try (ExportScheduler first = ExportScheduler.builder(n.exports).dataSource(null).defaultDatabaseDirectory(h2).build()) {
            made = first.schedule(students("alice").build());
        }
        assertThat(h2.resolve("scheduler.mv.db")).exists();
        try (ExportScheduler second = ExportScheduler.builder(n.exports).defaultDatabaseDirectory(h2).build()) {
            assertThat(second.list()).extracting(ScheduleInfo::id).containsExactly(made);
        }
    }

    @Test
    void schedulesAndTheirNextFireTimesSurviveARestart() {
        Node first = node("first");
        String id = first.scheduler.schedule(students("alice").frequency("hourly").zone(ZoneId.of("Europe/Athens")).build());
        first.scheduler.start();
        Instant next = first.scheduler.get(id).orElseThrow().nextFire().orElseThrow();
        assertThat(next).isEqualTo(Instant.parse("2026-03-02T11:00:00Z"));
        first.close();

        ExportScheduler second = node("second").scheduler;
        second.start();
        ScheduleInfo info = second.get(id).orElseThrow();
        assertThat(info.nextFire()).contains(next);
        assertThat(info.request().zone()).isEqualTo(ZoneId.of("Europe/Athens"));
        assertThat(info.request().frequency().text()).isEqualTo("hourly");
        assertThat(second.nextFireTimes(id, 2)).extracting(ZonedDateTime::toInstant)
                .containsExactly(next, next.plus(Duration.ofHours(1)));
    }

    @Test
    void runsEachSlotWhenItIsDueAndMovesOn() {
        Node n = node("a");
        String id = n.scheduler.schedule(students("alice").frequency("hourly").build());
        n.scheduler.start();
        assertThat(n.scheduler.isAvailable()).isTrue();
        clock.set(Instant.parse("2026-03-02T11:00:01Z"));
        Node.await("the 11:00 run", () -> finished(n.scheduler, id).size() == 1);
        ScheduleRun run = finished(n.scheduler, id).get(0);
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.trigger()).isEqualTo("scheduled");
        assertThat(run.slot()).isEqualTo(Instant.parse("2026-03-02T11:00:00Z"));
        assertThat(n.exports.job(JobId.of(run.jobId().orElseThrow())).orElseThrow().owner()).contains("alice");
        Node.await("the next slot", () -> n.scheduler.get(id).orElseThrow().nextFire().orElseThrow()
                .equals(Instant.parse("2026-03-02T12:00:00Z")));
        n.scheduler.stop();
        assertThat(n.scheduler.isAvailable()).isFalse();
    }

    @Test
    void catchUpPoliciesAfterDowntime() {
        Node down = node("down");
        String skip = down.scheduler.schedule(students("skip").frequency("hourly").catchUp(CatchUp.SKIP).build());
        String once = down.scheduler.schedule(students("once").frequency("hourly").build());
        String all = down.scheduler.schedule(students("all").frequency("hourly").catchUp(CatchUp.RUN_ALL).build());
        String window = down.scheduler.schedule(students("window").frequency("hourly").catchUp(CatchUp.RUN_ALL)
                .catchUpWindow(Duration.ofMinutes(160)).build());
        down.close();
        // nobody ran from 10:30 to 15:30: slots 11:00, 12:00, 13:00, 14:00 and 15:00 were missed
        clock.set(Instant.parse("2026-03-02T15:30:00Z"));
        Node up = node("up");
        up.scheduler.start();
        Node.await("catch-up", () -> finished(up.scheduler, all).size() == 5 && finished(up.scheduler, once).size() == 1
                && finished(up.scheduler, skip).size() == 1 && finished(up.scheduler, window).size() == 4,
                () -> List.of(skip, once, all, window).stream().map(id -> id + "=" + up.scheduler.runs(id, 10)).collect(Collectors.joining("\n")) + dump());
        assertThat(finished(up.scheduler, skip)).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.SKIPPED));
        assertThat(finished(up.scheduler, once)).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(r.trigger()).isEqualTo("catch-up");
        });
        assertThat(finished(up.scheduler, all)).allSatisfy(r -> assertThat(r.status()).isEqualTo(RunStatus.COMPLETED))
                .extracting(r -> r.slot().toString()).containsExactlyInAnyOrder("2026-03-02T11:00:00Z", "2026-03-02T12:00:00Z",
                        "2026-03-02T13:00:00Z", "2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z");
        // a window of 2 h 40 min reaches back to 12:50: 11:00 is skipped, then 13:00, 14:00, 15:00 run
        assertThat(finished(up.scheduler, window)).extracting(r -> r.slot().toString() + " " + r.status())
                .containsExactlyInAnyOrder("2026-03-02T11:00:00Z SKIPPED", "2026-03-02T13:00:00Z COMPLETED",
                        "2026-03-02T14:00:00Z COMPLETED", "2026-03-02T15:00:00Z COMPLETED");
        for (String id : List.of(skip, once, all, window)) {
            // the listener heard each ended slot once, as the ledger has it
            assertThat(up.heard.stream().filter(r -> r.scheduleId().equals(id)))
                    .extracting(r -> r.slot() + " " + r.status() + " " + r.trigger() + " " + r.jobId().isPresent())
                    .containsExactlyInAnyOrderElementsOf(finished(up.scheduler, id).stream()
                            .map(r -> r.slot() + " " + r.status() + " " + r.trigger() + " " + r.jobId().isPresent()).toList());
            Node.await(id + " moved to 16:00", () -> up.scheduler.get(id).orElseThrow().nextFire().orElseThrow()
                    .equals(Instant.parse("2026-03-02T16:00:00Z")));
        }
        assertThat(up.source.opens.get()).as("exports run").isEqualTo(1 + 5 + 3);
    }

    @Test
    void dailyAtHalfPastTwoRunsOnceOnEachDaylightSavingDayInAthensAndBerlin() {
        // in Athens 02:30 is untouched by the changes (03:00 → 04:00, 04:00 → 03:00); in Berlin it is skipped in
        // spring (02:00 → 03:00: it runs at 03:00) and repeated in autumn (03:00 → 02:00: it runs once)
        for (ZoneId zone : List.of(ZoneId.of("Europe/Athens"), ZoneId.of("Europe/Berlin"))) {
            for (LocalDate day : List.of(LocalDate.of(2026, 3, 29), LocalDate.of(2026, 10, 25))) {
                assertRunsOnceOn(zone, day);
            }
        }
    }

    private void assertRunsOnceOn(ZoneId zone, LocalDate day) {
        clock.set(day.minusDays(1).atTime(12, 0).atZone(zone).toInstant());
        Node n = node("dst-" + zone.getId().replace('/', '-') + "-" + day);
        String id = n.scheduler.schedule(ScheduleRequest.builder("dst-" + day, "courses", "csv").frequency("cron 30 2 * * *").zone(zone)
                .build());
        n.scheduler.start();
        Instant end = day.plusDays(1).atStartOfDay(zone).toInstant();
        while (clock.instant().isBefore(end)) {
            clock.advance(Duration.ofMinutes(30));
            Instant now = clock.instant();
            Node.await("idle at " + now, () -> n.scheduler.get(id).orElseThrow().nextFire().orElseThrow().isAfter(now)
                    && finished(n.scheduler, id).size() == n.scheduler.runs(id, 10).size());
        }
        assertThat(finished(n.scheduler, id)).as("runs on %s in %s", day, zone).singleElement().satisfies(r -> {
            assertThat(r.slot().atZone(zone).toLocalDate()).isEqualTo(day);
            assertThat(r.slot().atZone(zone).toLocalTime().toString()).isIn("02:30", "03:00");
            assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
        });
        n.close();
        node = null;
    }

    @Test
    void aFailingExportIsRecordedAndTheNextSlotStillRunsWithoutARetryLoop() {
        Node n = node("a");
        n.source.failing = true;
        String id = n.scheduler.schedule(students("alice").frequency("hourly").build());
        n.scheduler.start();
        clock.set(Instant.parse("2026-03-02T11:00:00Z"));
        Node.await("the failed run", () -> finished(n.scheduler, id).size() == 1);
        assertThat(finished(n.scheduler, id).get(0).status()).isEqualTo(RunStatus.FAILED);
        assertThat(finished(n.scheduler, id).get(0).error()).hasValueSatisfying(e -> assertThat(e).contains("database is down"));
        Node.await("the next slot", () -> n.scheduler.get(id).orElseThrow().nextFire().orElseThrow()
                .equals(Instant.parse("2026-03-02T12:00:00Z")));
        assertThat(n.scheduler.get(id)).as("the schedule is not lost").isPresent();

        n.source.failing = false;
        clock.set(Instant.parse("2026-03-02T12:00:00Z"));
        Node.await("the 12:00 run", () -> finished(n.scheduler, id).size() == 2);
        assertThat(n.scheduler.runs(id, 1).get(0).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(n.source.opens.get()).as("one export per slot: no retry between them").isEqualTo(2);
    }

    @Test
    void aRunLeftRunningByADeadNodeIsMarkedFailedNotRunAgain() {
        Node dead = node("dead");
        String id = dead.scheduler.schedule(students("alice").frequency("hourly").build());
        // the dead node claimed the 11:00 slot and never finished it
        new org.smsexport.scheduler.internal.ScheduleStore(db).claim(id, Instant.parse("2026-03-02T11:00:00Z"), "scheduled", "dead",
                RunStatus.RUNNING, null, Instant.parse("2026-03-02T11:00:00Z"));
        dead.close();
        clock.set(Instant.parse("2026-03-02T18:00:00Z"));
        Node alive = node("alive");
        alive.scheduler.start();
        Node.await("the interrupted run to be closed", () -> alive.scheduler.runs(id, 10).stream()
                .anyMatch(r -> r.slot().equals(Instant.parse("2026-03-02T11:00:00Z")) && r.status() == RunStatus.FAILED));
        assertThat(alive.scheduler.runs(id, 10)).filteredOn(r -> r.node().equals("dead")).singleElement()
                .satisfies(r -> assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).startsWith("Interrupted")));
    }

    @Test
    void aRunWhoseNodeDiedGetsTheOutcomeOfItsExportWhereverTheExportEnded() {
        Node alive = node("alive");
        String id = alive.scheduler.schedule(students("alice").frequency("hourly").build());
        // the dead node's slot submitted this export, then the node died; the export was taken over and completed elsewhere
        JobId job = alive.exports.run(org.smsexport.ExportRequest.builder().type("students").format("csv").owner("alice").build())
                .job().id();
        org.smsexport.scheduler.internal.ScheduleStore ledger = new org.smsexport.scheduler.internal.ScheduleStore(db);
        ledger.claim(id, Instant.parse("2026-03-02T10:00:00Z"), "scheduled", "dead", RunStatus.RUNNING, null,
                Instant.parse("2026-03-02T10:00:00Z"));
        ledger.setJob(id, Instant.parse("2026-03-02T10:00:00Z"), job.value());
        alive.scheduler.start();
        Node.await("the dead node's run recorded with its export's outcome", () -> alive.scheduler.runs(id, 10).stream()
                .anyMatch(r -> r.slot().equals(Instant.parse("2026-03-02T10:00:00Z")) && r.status() == RunStatus.COMPLETED
                        && r.jobId().equals(java.util.Optional.of(job.value()))));
    }

    @Test
    void aSlowExportNeverOverlapsTheNextSlot() {
        Node n = node("a");
        CountDownLatch gate = new CountDownLatch(1);
        n.source.gate = gate;
        String id = n.scheduler.schedule(students("alice").frequency("cron * * * * *").build());
        n.scheduler.start();
        clock.set(Instant.parse("2026-03-02T10:31:00Z"));
        Node.await("the 10:31 run to start", () -> n.source.running.get() == 1);
        // three more slots pass while it runs
        clock.set(Instant.parse("2026-03-02T10:34:30Z"));
        gate.countDown();
        Node.await("the catch-up run", () -> finished(n.scheduler, id).size() == 2, () -> n.scheduler.runs(id, 10).toString()
                + " next " + n.scheduler.get(id).orElseThrow().nextFire());
        Node.await("the next slot", () -> n.scheduler.get(id).orElseThrow().nextFire().orElseThrow()
                .equals(Instant.parse("2026-03-02T10:35:00Z")));
        assertThat(n.source.maxRunning.get()).as("runs at once").isEqualTo(1);
        assertThat(finished(n.scheduler, id)).extracting(ScheduleRun::trigger).containsExactlyInAnyOrder("scheduled", "catch-up");
        assertThat(n.source.opens.get()).as("nothing started beside the slow run, then one catch-up").isEqualTo(2);
    }

    @Test
    void pausesResumesRunsNowAndCancels() throws Exception {
        Node n = node("a");
        String id = n.scheduler.schedule(students("alice").frequency("hourly").build());
        n.scheduler.start();
        n.scheduler.pause(id);
        assertThat(n.scheduler.get(id).orElseThrow().paused()).isTrue();
        assertThat(n.scheduler.get(id).orElseThrow().nextFire()).isEmpty();
        clock.set(Instant.parse("2026-03-02T11:00:30Z"));
        n.scheduler.resume(id);
        assertThat(n.scheduler.get(id).orElseThrow().nextFire()).contains(Instant.parse("2026-03-02T12:00:00Z"));

        JobId job = n.scheduler.runNow(id);
        assertThat(n.exports.completion(job).get().job().status()).isEqualTo(JobStatus.COMPLETED);
        Node.await("the manual run recorded", () -> finished(n.scheduler, id).size() == 1);
        assertThat(n.scheduler.runs(id, 10)).as("no run while paused: the manual one alone").hasSize(1);
        assertThat(finished(n.scheduler, id).get(0).trigger()).isEqualTo("manual");
        assertThat(finished(n.scheduler, id).get(0).jobId()).contains(job.value());
        Node.await("the manual run announced", () -> n.heard.size() == 1);
        assertThat(n.heard.get(0)).satisfies(r -> {
            assertThat(r.trigger()).isEqualTo("manual");
            assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(r.jobId()).contains(job.value());
            assertThat(r.finishedAt()).isPresent();
        });

        assertThat(n.scheduler.cancel(id)).isTrue();
        assertThat(n.scheduler.get(id)).isEmpty();
        assertThat(n.scheduler.cancel(id)).isFalse();
        assertThatThrownBy(() -> n.scheduler.pause("export_nope_csv_x_1")).isInstanceOf(ScheduleNotFoundException.class)
                .hasMessageContaining("'export_nope_csv_x_1'");
    }

    @Test
    void aScheduleOfATemplateRunsTheTemplateAsItIsAtEachRun() throws Exception {
        Node n = node("a");
        java.time.Instant t0 = clock.instant();
        n.exports.templates().save(new org.smsexport.ExportTemplate("year_two", "alice", "students", "csv", java.util.Map.of("study_year", "2"),
                java.util.Map.of(), java.util.Optional.empty(), java.util.Optional.empty(), t0, t0));
        String id = n.scheduler.schedule(students("alice").template("year_two").build());
        assertThat(n.scheduler.get(id).orElseThrow().request().template()).contains("year_two");
        JobId first = n.scheduler.runNow(id);
        assertThat(n.exports.completion(first).get().job().type()).isEqualTo("students");
        assertThat(n.exports.completion(first).get().job().filters()).containsEntry("study_year", "2");
        // the template changes: the next run follows it
        n.exports.templates().update(new org.smsexport.ExportTemplate("year_two", "alice", "courses", "csv", java.util.Map.of(),
                java.util.Map.of(), java.util.Optional.empty(), java.util.Optional.empty(), t0, t0));
        clock.advance(Duration.ofSeconds(1));
        JobId second = n.scheduler.runNow(id);
        org.smsexport.ExportJob job = n.exports.completion(second).get().job();
        assertThat(job.type()).isEqualTo("courses");
        assertThat(job.totalRecords()).as("the courses, not the second-year students").isEqualTo(20);
        n.exports.templates().delete("alice", "year_two");
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> n.scheduler.runNow(id)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no longer exists");
        assertThatThrownBy(() -> n.scheduler.schedule(students("alice").template("nope").frequency("weekly").build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'nope'");
    }

    @Test
    void runsTheRetentionCleanupHourlyNotEveryMinute() {
        Node n = node("a");
        String id = n.scheduler.scheduleMaintenance("hourly");
        assertThat(id).matches("maintenance_cleanup_[0-9a-z]{8}");
        assertThat(n.scheduler.get(id).orElseThrow().isMaintenance()).isTrue();
        List<ZonedDateTime> next = n.scheduler.nextFireTimes(id, 3);
        assertThat(Duration.between(next.get(0), next.get(1))).isEqualTo(Duration.ofHours(1));
        assertThat(next.get(0).getMinute()).isZero();
        n.scheduler.start();
        clock.set(Instant.parse("2026-03-02T11:00:01Z"));
        Node.await("the cleanup", () -> finished(n.scheduler, id).size() == 1);
        assertThat(finished(n.scheduler, id).get(0).status()).isEqualTo(RunStatus.COMPLETED);
        clock.set(Instant.parse("2026-03-02T12:00:01Z"));
        Node.await("the next hour's cleanup", () -> finished(n.scheduler, id).size() == 2);
        assertThat(finished(n.scheduler, id)).extracting(ScheduleRun::slot).as("nothing between the hours")
                .containsExactlyInAnyOrder(Instant.parse("2026-03-02T11:00:00Z"), Instant.parse("2026-03-02T12:00:00Z"));
        assertThat(taskOf(id)).as("the cleanup is a db-scheduler task of its own").isEqualTo("sms-export-maintenance");
        assertThat(n.exports.jobs(org.smsexport.JobFilter.all())).as("and no export job").isEmpty();
    }

    private String taskOf(String instance) {
        try (java.sql.Connection c = db.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT task_name FROM sms_export_scheduled_tasks WHERE task_instance = ?")) {
            ps.setString(1, instance);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void movesACleanupScheduledByAnEarlierVersionToItsOwnTask() throws Exception {
        Node first = node("first");
        String id = first.scheduler.scheduleMaintenance("hourly");
        first.close();
        try (java.sql.Connection c = db.getConnection(); java.sql.Statement st = c.createStatement()) {
            // as an earlier version left it: an instance of the export task
            st.executeUpdate("UPDATE sms_export_scheduled_tasks SET task_name = 'sms-export-schedule' WHERE task_instance = '" + id + "'");
        }
        Node second = node("second");
        assertThat(taskOf(id)).isEqualTo("sms-export-maintenance");
        assertThat(second.scheduler.get(id).orElseThrow().nextFire()).isPresent();
    }

    @Test
    void takesTheCleanupFrequencyFromTheServicesConfiguration() {
        try (org.smsexport.core.ExportService weekly = org.smsexport.core.ExportService.builder()
                .config(java.util.Map.of("EXPORT_CLEANUP_SCHEDULE", "weekly", "EXPORT_OUTPUT_DIR", dir.resolve("w").toString()))
                .dataSource(new Node.Source()).build();
                ExportScheduler s = ExportScheduler.builder(weekly).dataSource(db).clock(clock).build()) {
            String id = s.scheduleMaintenance();
            assertThat(s.get(id).orElseThrow().request().frequency().text()).isEqualTo("weekly");
            assertThat(s.nextFireTimes(id, 1).get(0).getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY);
        }
    }

    private String dump() {
        StringBuilder sb = new StringBuilder("\n");
        try (java.sql.Connection c = db.getConnection(); java.sql.ResultSet rs = c.createStatement().executeQuery(
                "SELECT task_instance, execution_time, picked, picked_by, version, consecutive_failures FROM sms_export_scheduled_tasks")) {
            while (rs.next()) {
                for (int i = 1; i <= 6; i++) {
                    sb.append(rs.getString(i)).append(' ');
                }
                sb.append('\n');
            }
        } catch (java.sql.SQLException e) {
            sb.append(e);
        }
        return sb.toString();
    }
}
