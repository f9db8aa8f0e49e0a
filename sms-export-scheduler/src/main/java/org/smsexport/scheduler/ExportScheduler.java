package org.smsexport.scheduler;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.SchedulerState;
import com.github.kagkarlsson.scheduler.jdbc.AutodetectJdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.DefaultJdbcCustomization;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobId;
import org.smsexport.core.ExportMaintenance;
import org.smsexport.core.ExportService;
import org.smsexport.scheduler.internal.ScheduleStore;
import org.smsexport.scheduler.internal.Slots;
import org.smsexport.scheduler.internal.ScheduleStore.Stored;

/**
 * Recurring exports that survive restarts and run exactly once per slot however many nodes run a
 * scheduler: schedules live in a database (the host's {@link DataSource}, or an embedded H2 file), timing
 * and cluster coordination come from db-scheduler, and every run is first claimed in a ledger table whose
 * unique key is (schedule id, slot time), so even a slot that db-scheduler hands to two nodes (after a lost
 * heartbeat, say) is exported once.
 *
 * <pre>{@code
 * try (ExportScheduler scheduler = ExportScheduler.create(exports, dataSource)) {
 *     scheduler.start();
 *     String id = scheduler.schedule(ScheduleRequest.builder("alice", "students", "csv")
 *             .frequency("cron 30 2 * * 1-5").zone(ZoneId.of("Europe/Athens")).build());
 *     scheduler.nextFireTimes(id, 5);
 * }
 * }</pre>
 *
 * <p>Without {@link #start()} the scheduler is a client: it creates, lists, pauses and cancels schedules
 * that other (started) nodes run. Each slot runs {@link ExportService#run} on one of the scheduler's threads;
 * a slot never starts before the previous run of the same schedule has ended. A failed export is recorded
 * in the ledger and the schedule moves on to its next slot: no retry loop. Missed slots follow the
 * schedule's {@link CatchUp} policy. Thread-safe.
 */
public final class ExportScheduler implements AutoCloseable {

    /** The export type name of the retention-cleanup schedule. */
    public static final String MAINTENANCE = "maintenance";

    private static final Logger LOG = LoggerFactory.getLogger(ExportScheduler.class);
    private static final String TASK = "sms-export-schedule";
    /**
     * How db-scheduler reads and writes its times in our task table: PostgreSQL's and MariaDB's own customizations (UTC on
     * MariaDB's {@code DATETIME}), H2 with {@code TIMESTAMP WITH TIME ZONE}, and on SQLite the UTC text every table of ours
     * holds there ({@link org.smsexport.support.SqlDialect}), so that due times compare as text compares.
     */
    private static com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization jdbcCustomization(org.smsexport.support.SqlDialect dialect,
            DataSource ds) {
        switch (dialect) {
            case POSTGRESQL:
                return new AutodetectJdbcCustomization(ds);
            case MARIADB:
                return new AutodetectJdbcCustomization(ds, true);
            case SQLITE:
                return new DefaultJdbcCustomization(true) {
                    @Override
                    public void setInstant(java.sql.PreparedStatement ps, int index, Instant value) throws java.sql.SQLException {
                        dialect.setInstant(ps, index, value);
                    }

                    @Override
                    public Instant getInstant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
                        return dialect.getInstant(rs, column);
                    }

                    @Override
                    public boolean supportsExplicitQueryLimitPart() {
                        return true;
                    }

                    @Override
                    public String getQueryLimitPart(int limit) {
                        return " LIMIT " + limit; // SQLite has no OFFSET … FETCH FIRST
                    }

                    @Override
                    public String getName() {
                        return "SQLite";
                    }
                };
            default:
                // our table's columns are TIMESTAMP WITH TIME ZONE, so db-scheduler's defaults are right
                return new DefaultJdbcCustomization(false);
        }
    }

    /**
     * @param prefix  the prefix of the library's tables ({@code EXPORT_TABLE_PREFIX})
     * @param dialect the database
     * @return the statements that create the scheduler's tables in the database's types, in order
     */
    public static java.util.List<String> ddl(String prefix, org.smsexport.support.SqlDialect dialect) {
        return org.smsexport.scheduler.internal.ScheduleStore.ddl(prefix, dialect);
    }

    /** The retention cleanup's own db-scheduler task: its slots run {@link ExportMaintenance}, not an export. */
    private static final String MAINTENANCE_TASK = "sms-export-maintenance";
    private static final String MANUAL = "manual";

    private final ExportService exports;
    private final ScheduleStore store;
    private final Clock clock;
    private final String node;
    private final Duration misfireGrace;
    private final Scheduler scheduler;
    private final CustomTask<Void> task;
    private final CustomTask<Void> maintenanceTask;
    private final Duration staleRunAfter;
    /** A slot's execution whose node missed this many heartbeats is dead, and another node takes the schedule on. */
    private static final int DEAD_AFTER_MISSED_HEARTBEATS = 4;
    private final ExecutorService workers;
    private final Consumer<ScheduleRun> onRun;
    private final Duration shutdownMaxWait;
    private final Duration deltaOverlap;
    private boolean started;
    private boolean stopped;

    private ExportScheduler(Builder b) {
        this.exports = Objects.requireNonNull(b.exports, "exportService");
        DataSource ds = b.dataSource != null ? b.dataSource : org.smsexport.scheduler.internal.EmbeddedH2.in(b.defaultDatabaseDir);
        // the service's EXPORT_TABLE_PREFIX: sms_export_schedules, sms_export_schedule_runs, sms_export_scheduled_tasks by default
        this.store = new ScheduleStore(ds, exports.config().tablePrefix());
        this.clock = b.clock;
        this.node = b.nodeName != null ? b.nodeName : defaultNodeName();
        this.misfireGrace = b.misfireGrace;
        // a slot whose node died is taken back as promptly as a job: after the export service's grace (a minute at least)
        Duration grace = exports.config().recoveryGrace();
        Duration promptly = grace.compareTo(Duration.ofMinutes(1)) > 0 ? grace : Duration.ofMinutes(1);
        this.staleRunAfter = b.staleRunAfter != null ? b.staleRunAfter : promptly;
        Duration beat = b.heartbeatInterval != null ? b.heartbeatInterval : promptly.dividedBy(DEAD_AFTER_MISSED_HEARTBEATS);
        this.onRun = b.onRun;
        this.shutdownMaxWait = b.shutdownMaxWait;
        this.deltaOverlap = b.deltaOverlap;
        if (b.createTables) {
            store.createTables();
        }
        this.workers = Executors.newFixedThreadPool(b.threads, org.smsexport.support.ExportThreads.factory("scheduler"));
        this.task = Tasks.custom(TASK, Void.class)
                .onFailure((complete, ops) -> ops.reschedule(complete, nextAfterFailure(complete.getExecution().taskInstance.getId())))
                .execute((instance, context) -> runSlot(instance.getId(), context.getExecution().executionTime, this::runExport));
        this.maintenanceTask = Tasks.custom(MAINTENANCE_TASK, Void.class)
                .onFailure((complete, ops) -> ops.reschedule(complete, nextAfterFailure(complete.getExecution().taskInstance.getId())))
                .execute((instance, context) -> runSlot(instance.getId(), context.getExecution().executionTime, this::runCleanup));
        this.scheduler = Scheduler.create(ds, task, maintenanceTask)
                .jdbcCustomization(jdbcCustomization(store.dialect(), ds))
                .tableName(store.taskTable())
                .schedulerName(new SchedulerName.Fixed(node))
                .executorService(workers)
                .pollingInterval(b.pollingInterval)
                .heartbeatInterval(beat)
                .missedHeartbeatsLimit(DEAD_AFTER_MISSED_HEARTBEATS)
                // db-scheduler waits up to 30 minutes by default; close() must end in bounded time
                .shutdownMaxWait(b.shutdownMaxWait)
                .clock(clock::instant)
                .build();
    }

    /**
     * @param exports    the service that runs the exports
     * @param dataSource where schedules live; {@code null} for an embedded H2 file in
     *                   {@code ./sms-export-scheduler}
     * @return a scheduler, not started
     */
    public static ExportScheduler create(ExportService exports, DataSource dataSource) {
        return builder(exports).dataSource(dataSource).build();
    }

    /**
     * A scheduler on an embedded H2 file in {@code ./sms-export-scheduler}, for a host without a database of its own.
     *
     * @param exports the service that runs the exports
     * @return a scheduler, not started
     */
    public static ExportScheduler create(ExportService exports) {
        return builder(exports).build();
    }

    /**
     * @param exports the service that runs the exports
     * @return a builder
     */
    public static Builder builder(ExportService exports) {
        return new Builder(exports);
    }

    private static String defaultNodeName() {
        String host = ManagementFactory.getRuntimeMXBean().getName();
        return (host.length() > 60 ? host.substring(0, 60) : host) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts executing due slots on this node. Idempotent. */
    public synchronized void start() {
        if (stopped) {
            throw new IllegalStateException("This scheduler was stopped; create a new one");
        }
        if (!started) {
            settleRuns();
            scheduler.start();
            started = true;
            LOG.info("Export scheduler {} started", node);
        }
    }

    /** Stops executing; waits up to 10 seconds for running slots, then interrupts them. Idempotent. */
    public synchronized void stop() {
        if (started && !stopped) {
            scheduler.stop();
            LOG.info("Export scheduler {} stopped", node);
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(shutdownMaxWait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        stopped = true;
    }

    @Override
    public void close() {
        stop();
    }

    /** @return whether this node is started and executing due slots */
    public synchronized boolean isAvailable() {
        SchedulerState state = scheduler.getSchedulerState();
        return started && !stopped && state.isStarted() && !state.isShuttingDown() && !state.isPaused();
    }

    /** @return this node's name in the ledger and db-scheduler's table */
    public String nodeName() {
        return node;
    }

    /**
     * Creates a schedule. The export it describes is validated now, as an export request would be. A file password
     * ({@code password}, {@code owner_password}) is kept sealed under the service's {@link ExportService#secrets() key},
     * which the database does not hold.
     *
     * @param given what, how often, where
     * @return the new id, {@code export_<type>_<format>_<user>_<random>}: never one a deleted schedule had, so runs, ledger and
     *         delta watermark belong to this schedule alone
     * @throws InvalidRequestException when the export, the frequency or an option is invalid
     * @throws DuplicateScheduleException when the owner has the same schedule already
     */
    public String schedule(ScheduleRequest given) {
        if (!given.type().equals(MAINTENANCE)) {
            exports.validate(given.delta() ? exportRequest(given).toBuilder().changedSince(Instant.EPOCH).build() : exportRequest(given));
        }
        ScheduleRequest request = sealed(given);
        String fingerprint = ScheduleStore.fingerprint(request);
        String prefix = request.type().equals(MAINTENANCE) ? "maintenance_cleanup_"
                : "export_" + request.type() + "_" + request.format() + "_" + slug(request.owner()) + "_";
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<String> same = store.findByFingerprint(fingerprint);
            if (same.isPresent()) {
                throw new DuplicateScheduleException(same.get());
            }
            String id = prefix + randomPart();
            if (store.insert(id, request, fingerprint, clock.instant())) {
                try {
                    scheduler.schedule(taskOf(request).instance(id), request.frequency().next(clock.instant(), request.zone()));
                } catch (RuntimeException e) {
                    store.delete(id);
                    throw e;
                }
                LOG.info("Schedule {} created ({} in {})", id, request.frequency(), request.zone());
                return id;
            }
        }
        throw new IllegalStateException("Could not find a free schedule id for " + prefix + "…");
    }

    /**
     * Schedules the retention cleanup ({@link ExportMaintenance#cleanupOldExports()}, with the service's
     * {@code EXPORT_RETENTION_DAYS}) on the same engine.
     *
     * @param frequency {@code hourly} (minute 0 of every hour), {@code daily}, … or {@code cron EXPR}
     * @return the schedule id, {@code maintenance_cleanup_<random>}
     */
    public String scheduleMaintenance(String frequency) {
        return schedule(ScheduleRequest.builder("system", MAINTENANCE, "none").frequency(frequency).build());
    }

    /**
     * Schedules the retention cleanup at the service's {@code EXPORT_CLEANUP_SCHEDULE} ({@code daily} unless
     * configured: {@code hourly}, {@code daily} or {@code weekly}), as the original system's maintenance
     * scheduler did.
     *
     * @return the schedule id, {@code maintenance_cleanup_<random>}
     */
    public String scheduleMaintenance() {
        return scheduleMaintenance(exports.config().cleanupSchedule());
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** @return eight letters and digits: 36^8 ids per prefix, so a deleted schedule's id is not given out again */
    static String randomPart() {
        char[] out = new char[8];
        for (int i = 0; i < out.length; i++) {
            out[i] = Character.forDigit(RANDOM.nextInt(36), 36);
        }
        return new String(out);
    }

    static String slug(String owner) {
        String s = owner.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "user" : s.length() > 40 ? s.substring(0, 40) : s;
    }

    /** @return every schedule, by id */
    public List<ScheduleInfo> list() {
        return info(store.list(null));
    }

    /**
     * @param owner a user
     * @return that user's schedules, by id
     */
    public List<ScheduleInfo> list(String owner) {
        return info(store.list(owner));
    }

    /**
     * @param id a schedule id
     * @return the schedule, if it exists
     */
    public Optional<ScheduleInfo> get(String id) {
        return store.find(id).map(s -> info(List.of(s)).get(0));
    }

    private List<ScheduleInfo> info(List<Stored> stored) {
        List<ScheduleInfo> out = new ArrayList<>();
        for (Stored s : stored) {
            Optional<Instant> next = s.paused() ? Optional.empty()
                    : scheduler.getScheduledExecution(taskOf(s.request()).instance(s.id())).map(e -> e.getExecutionTime());
            List<ScheduleRun> last = store.runs(s.id(), 1);
            out.add(new ScheduleInfo(s.id(), s.request(), s.paused(), s.createdAt(), next,
                    last.isEmpty() ? Optional.empty() : Optional.of(last.get(0))));
        }
        return out;
    }

    /**
     * @param id    a schedule id
     * @param count how many
     * @return the next {@code count} fire times from now, in the schedule's zone
     * @throws ScheduleNotFoundException when there is no such schedule
     */
    public List<ZonedDateTime> nextFireTimes(String id, int count) {
        Stored s = require(id);
        List<ZonedDateTime> out = new ArrayList<>();
        for (Instant t : s.request().frequency().next(clock.instant(), s.request().zone(), count)) {
            out.add(t.atZone(s.request().zone()));
        }
        return out;
    }

    /**
     * @param id    a schedule id
     * @param limit how many
     * @return its latest runs from the ledger, newest first
     */
    public List<ScheduleRun> runs(String id, int limit) {
        return store.runs(id, limit);
    }

    /**
     * Stops a schedule firing until {@link #resume(String)}; a run in progress finishes.
     *
     * @param id a schedule id
     * @throws ScheduleNotFoundException when there is no such schedule
     */
    public void pause(String id) {
        Stored s = require(id);
        store.setPaused(id, true);
        cancelExecution(s);
    }

    /**
     * Makes a paused schedule fire again from its next slot (missed slots while paused are not caught up).
     *
     * @param id a schedule id
     * @throws ScheduleNotFoundException when there is no such schedule
     */
    public void resume(String id) {
        Stored s = require(id);
        store.setPaused(id, false);
        scheduler.scheduleIfNotExists(taskOf(s.request()).instance(id), s.request().frequency().next(clock.instant(), s.request().zone()));
    }

    /**
     * Deletes a schedule; its ledger of past runs stays.
     *
     * @param id a schedule id
     * @return {@code false} when there was no such schedule
     */
    public boolean cancel(String id) {
        Optional<Stored> s = store.find(id);
        boolean existed = store.delete(id);
        s.ifPresent(stored -> cancelExecution(stored));
        if (existed) {
            LOG.info("Schedule {} cancelled", id);
        }
        return existed;
    }

    /** @return the db-scheduler task a schedule's slots run as */
    private CustomTask<Void> taskOf(ScheduleRequest r) {
        return r.type().equals(MAINTENANCE) ? maintenanceTask : task;
    }

    private void cancelExecution(Stored s) {
        try {
            scheduler.cancel(TaskInstanceId.of(taskOf(s.request()).getName(), s.id()));
        } catch (RuntimeException e) {
            // not scheduled (paused) or running now: the run's completion sees the change and stops
        }
    }

    /**
     * Runs a schedule's export now, outside its slots (recorded in the ledger as {@code manual}).
     *
     * @param id a schedule id
     * @return the job, queued on the export service
     * @throws ScheduleNotFoundException when there is no such schedule
     */
    public JobId runNow(String id) {
        Stored s = require(id);
        if (s.request().type().equals(MAINTENANCE)) {
            throw new InvalidRequestException("Schedule '" + id + "' is the retention cleanup, not an export; use "
                    + "ExportService.maintenance() to run it now.");
        }
        // one run of a schedule at a time: 'run now' pressed again while it runs would start the same export twice
        for (ScheduleRun r : store.runs(id, 10)) {
            if (r.status() == RunStatus.RUNNING && running(r)) {
                throw new org.smsexport.JobStateException("Schedule '" + id + "' is running now" + r.jobId().map(j -> " (job " + j + ")")
                        .orElse("") + "; run it again when that run has ended.");
            }
        }
        Instant slot = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (!store.claim(id, slot, MANUAL, node, RunStatus.RUNNING, null, slot)) {
            // another runNow of this schedule in the same millisecond (here or on another node) has that slot
            throw new org.smsexport.JobStateException("Schedule '" + id + "' was just run manually (slot " + slot + "); try again.");
        }
        ExportJob job;
        try {
            job = exports.submit(exportRequest(id, slot, s.request()));
        } catch (RuntimeException e) {
            finish(id, slot, MANUAL, slot, RunStatus.FAILED, null, e.getMessage());
            throw e;
        }
        store.setJob(id, slot, job.id().value());
        exports.completion(job.id()).whenComplete((outcome, error) -> recordOutcome(id, slot, MANUAL, slot, outcome, error));
        return job.id();
    }

    /** Whether a run the ledger calls running still is: its job has not ended (a ledger row without a job: claimed this minute). */
    private boolean running(ScheduleRun r) {
        if (r.jobId().isEmpty()) {
            return r.startedAt().isAfter(clock.instant().minusSeconds(60));
        }
        try {
            return exports.job(org.smsexport.JobId.of(r.jobId().get())).map(j -> !j.status().isTerminal()).orElse(false);
        } catch (RuntimeException e) {
            return false; // a job id that no longer parses or was deleted: not running
        }
    }

    private Stored require(String id) {
        return store.find(id).orElseThrow(() -> new ScheduleNotFoundException(id));
    }

    /**
     * The export of one claimed slot. A delta schedule's asks for the changes since the watermark its last successful run
     * took (the data source's clock before that run read, less the overlap); its first run is a full export. The ledger
     * keeps both, so a failed run leaves the next one where it was and every node reads the same.
     */
    private ExportRequest exportRequest(String id, Instant slot, ScheduleRequest r) {
        ExportRequest base = exportRequest(r);
        if (!r.delta()) {
            return base;
        }
        Instant next;
        try {
            next = exports.changesWatermark(base.type()).orElseGet(clock::instant).minus(deltaOverlap);
        } catch (RuntimeException e) {
            // the source is not answering: this run fails reading it, and its watermark is never used
            next = clock.instant().minus(deltaOverlap);
        }
        Optional<Instant> since = store.lastWatermark(id, deltaOverlap);
        store.setChangedSince(id, slot, since.orElse(null), next);
        return since.isEmpty() ? base : base.toBuilder().changedSince(since.get()).build();
    }

    /**
     * The request as the database keeps it: a file password ({@code password}, {@code owner_password}) sealed with the
     * service's {@link org.smsexport.core.SecretBox} — a key outside the database — so an encrypted export can be scheduled,
     * also where {@code EXPORT_REQUIRE_ENCRYPTION} asks every export for one, and the database never holds it readable.
     */
    private ScheduleRequest sealed(ScheduleRequest r) {
        Map<String, String> options = new java.util.LinkedHashMap<>(r.options());
        boolean changed = false;
        for (String secret : SECRETS) {
            String value = options.get(secret);
            if (value != null && !org.smsexport.core.SecretBox.isSealed(value)) {
                options.put(secret, exports.secrets().seal(value));
                changed = true;
            }
        }
        return !changed ? r : new ScheduleRequest(r.owner(), r.type(), r.format(), r.filters(), options, r.notifyEmail(), r.frequency(),
                r.zone(), r.catchUp(), r.catchUpWindow(), r.template(), r.delta(), r.locale());
    }

    private static final List<String> SECRETS = List.of("password", "owner_password");

    private ExportRequest exportRequest(ScheduleRequest r) {
        Map<String, String> options = new java.util.LinkedHashMap<>(r.options());
        for (String secret : SECRETS) {
            // opened only for the export it is for: in memory on the node that runs it, never queued for another
            options.computeIfPresent(secret, (k, v) -> org.smsexport.core.SecretBox.isSealed(v) ? exports.secrets().open(v) : v);
        }
        ExportRequest.Builder b = ExportRequest.builder().owner(r.owner()).filters(r.filters()).options(options).zone(r.zone());
        if (r.template().isPresent()) {
            // the template as it is now: its type and format too, so a changed template changes the next run
            String name = r.template().get();
            b.template(exports.templates().find(r.owner(), name).orElseThrow(() -> new InvalidRequestException("Template '" + name
                    + "' of " + r.owner() + " no longer exists; the schedule cannot run until it does.")));
        } else {
            b.type(r.type()).format(r.format());
        }
        r.notifyEmail().ifPresent(b::notifyEmail);
        r.locale().ifPresent(b::locale);
        return b.build();
    }

    /** What a claimed slot does: the export of an export schedule, the cleanup of the maintenance schedule. */
    private interface SlotWork {
        void run(String id, Instant slot, String trigger, Instant started, ScheduleRequest r);
    }

    /**
     * The ledger's RUNNING runs whose node stopped: one whose export job ended (here or on another node, which took the
     * job over) gets that job's outcome; one that never got a job, started longer ago than the stale-run time, fails.
     * Runs on start and before every slot, on whichever node.
     */
    private void settleRuns() {
        try {
            for (ScheduleRun r : store.running(500)) {
                if (r.jobId().isPresent()) {
                    Optional<ExportJob> job;
                    try {
                        job = exports.job(org.smsexport.JobId.of(r.jobId().get()));
                    } catch (RuntimeException e) {
                        job = Optional.empty();
                    }
                    if (job.isEmpty()) {
                        store.settle(r.scheduleId(), r.slot(), RunStatus.FAILED, "Its export job " + r.jobId().get() + " no longer exists.",
                                clock.instant());
                    } else if (job.get().status().isTerminal()) {
                        ExportJob j = job.get();
                        boolean ok = j.status() == org.smsexport.JobStatus.COMPLETED || j.status() == org.smsexport.JobStatus.ARCHIVED;
                        if (store.settle(r.scheduleId(), r.slot(), ok ? RunStatus.COMPLETED : RunStatus.FAILED,
                                ok ? null : j.errorMessage().orElse(j.status().name()), clock.instant())) {
                            LOG.info("Schedule {}: slot {} recorded as {} (job {} ended after its scheduler node stopped)", r.scheduleId(),
                                    r.slot(), ok ? "completed" : "failed", j.id());
                        }
                    }
                } else if (r.startedAt().isBefore(clock.instant().minus(staleRunAfter))
                        && store.settle(r.scheduleId(), r.slot(), RunStatus.FAILED, "Interrupted: the scheduler node stopped before "
                                + "the run started its export; the slot is not run again.", clock.instant())) {
                    LOG.warn("Schedule {}: slot {} left running by a stopped node is failed", r.scheduleId(), r.slot());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("The runs left by stopped scheduler nodes could not be settled: {}", e.toString());
        }
    }

    /** One due slot, on a db-scheduler thread: decide, claim, run, record, and say when the next slot is. */
    private CompletionHandler<Void> runSlot(String id, Instant slot, SlotWork work) {
        settleRuns();
        Optional<Stored> found = store.find(id);
        if (found.isEmpty() || found.get().paused()) {
            return (complete, ops) -> ops.remove();
        }
        ScheduleRequest r = found.get().request();
        Instant now = clock.instant();
        Slots.Decision d = Slots.decide(r, slot, now, misfireGrace);
        String trigger = d.trigger();
        String skipReason = d.skipReason();
        if (!d.run()) {
            if (store.claim(id, slot, trigger, node, RunStatus.SKIPPED, skipReason, now)) {
                LOG.info("Schedule {}: slot {} skipped ({})", id, slot, skipReason);
                announce(new ScheduleRun(id, slot, trigger, node, RunStatus.SKIPPED, Optional.empty(), Optional.of(skipReason), now,
                        Optional.of(now)));
            }
        } else if (store.claim(id, slot, trigger, node, RunStatus.RUNNING, null, now)) {
            work.run(id, slot, trigger, now, r);
        } else {
            LOG.warn("Schedule {}: slot {} was already claimed by another node; not running it again", id, slot);
        }
        Instant next = Slots.next(r, slot, d.late(), clock.instant());
        return (complete, ops) -> {
            Optional<Stored> still = store.find(id);
            if (still.isEmpty() || still.get().paused()) {
                ops.remove();
            } else {
                ops.reschedule(complete, next);
            }
        };
    }

    private Instant nextAfterFailure(String id) {
        return store.find(id).map(s -> s.request().frequency().next(clock.instant(), s.request().zone()))
                .orElse(clock.instant().plus(Duration.ofDays(3650)));
    }

    private void runExport(String id, Instant slot, String trigger, Instant started, ScheduleRequest r) {
        try {
            // the job's id goes into the ledger at once: if this node stops, whichever node finishes the job records the run
            ExportJob job = exports.submit(exportRequest(id, slot, r));
            store.setJob(id, slot, job.id().value());
            ExportOutcome outcome = exports.completion(job.id()).join();
            recordOutcome(id, slot, trigger, started, outcome, null);
        } catch (java.util.concurrent.CompletionException e) {
            recordOutcome(id, slot, trigger, started, null, e.getCause() != null ? e.getCause() : e);
        } catch (RuntimeException | Error e) {
            recordOutcome(id, slot, trigger, started, null, e);
        }
    }

    private void runCleanup(String id, Instant slot, String trigger, Instant started, ScheduleRequest r) {
        try {
            ExportMaintenance.CleanupResult result = exports.maintenance().cleanupOldExports();
            LOG.info("Schedule {}: cleanup removed {} job(s), {} file(s)", id, result.deletedJobs(), result.deletedFiles());
            finish(id, slot, trigger, started, result.errors().isEmpty() ? RunStatus.COMPLETED : RunStatus.FAILED, null,
                    result.errors().isEmpty() ? null : String.join("; ", result.errors()));
        } catch (RuntimeException | Error e) {
            recordOutcome(id, slot, trigger, started, null, e);
        }
    }

    private void recordOutcome(String id, Instant slot, String trigger, Instant started, ExportOutcome outcome, Throwable error) {
        RunStatus status;
        String message = null;
        String jobId = null;
        if (outcome instanceof ExportOutcome.Completed c) {
            status = RunStatus.COMPLETED;
            jobId = c.job().id().value();
        } else if (outcome != null) {
            status = RunStatus.FAILED;
            jobId = outcome.job().id().value();
            message = outcome.job().errorMessage().orElse(outcome instanceof ExportOutcome.Cancelled ? "Cancelled" : "Failed");
        } else {
            status = RunStatus.FAILED;
            message = error == null ? "Failed" : error.getMessage() == null ? error.toString() : error.getMessage();
        }
        if (status == RunStatus.COMPLETED) {
            LOG.info("Schedule {}: slot {} completed as job {}", id, slot, jobId);
        } else {
            LOG.warn("Schedule {}: slot {} failed: {}", id, slot, message);
        }
        finish(id, slot, trigger, started, status, jobId, message);
    }

    /** Records the end of a claimed slot in the ledger, then tells the run listener. */
    private void finish(String id, Instant slot, String trigger, Instant started, RunStatus status, String jobId, String message) {
        Instant now = clock.instant();
        try {
            store.finish(id, slot, status, jobId, message, now);
        } catch (RuntimeException e) {
            LOG.error("Schedule {}: could not record the end of slot {}: {}", id, slot, e.getMessage());
        }
        announce(new ScheduleRun(id, slot, trigger, node, status, Optional.ofNullable(jobId), Optional.ofNullable(message), started,
                Optional.of(now)));
    }

    private void announce(ScheduleRun run) {
        try {
            onRun.accept(run);
        } catch (RuntimeException e) {
            LOG.warn("Schedule {}: the run listener failed: {}", run.scheduleId(), e.toString());
        }
    }

    /** Builds an {@link ExportScheduler}. Not thread-safe. */
    public static final class Builder {
        private final ExportService exports;
        private DataSource dataSource;
        private Path defaultDatabaseDir = Path.of("sms-export-scheduler");
        private Clock clock = Clock.systemUTC();
        private String nodeName;
        private Duration pollingInterval = Duration.ofSeconds(10);
        private Duration heartbeatInterval;
        private Duration misfireGrace = Duration.ofMinutes(5);
        private Duration staleRunAfter;
        private int threads = 2;
        private boolean createTables = true;
        private Consumer<ScheduleRun> onRun = run -> { };
        private Duration shutdownMaxWait = Duration.ofSeconds(10);
        private Duration deltaOverlap = Duration.ofMinutes(5);

        private Builder(ExportService exports) {
            this.exports = exports;
        }

        /**
         * @param value where schedules, the ledger and db-scheduler's table live; {@code null} (the default)
         *              for an embedded H2 file (see {@link #defaultDatabaseDirectory(Path)})
         * @return this builder
         */
        public Builder dataSource(DataSource value) {
            this.dataSource = value;
            return this;
        }

        /**
         * @param dir where the embedded H2 file goes when no data source is given; {@code ./sms-export-scheduler}
         * @return this builder
         */
        public Builder defaultDatabaseDirectory(Path dir) {
            this.defaultDatabaseDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * @param value the clock slots are judged by (tests move it); the system clock by default
         * @return this builder
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * @param value this node's name in the ledger; host, process and a random suffix by default
         * @return this builder
         */
        public Builder nodeName(String value) {
            this.nodeName = value;
            return this;
        }

        /**
         * @param value how often due slots are looked for; 10 seconds by default
         * @return this builder
         */
        public Builder pollingInterval(Duration value) {
            this.pollingInterval = value;
            return this;
        }

        /**
         * @param value how often a running slot's heartbeat is written; a quarter of the stale-run time by default (a
         *              node that misses four is dead, and another takes the schedule on)
         * @return this builder
         */
        public Builder heartbeatInterval(Duration value) {
            this.heartbeatInterval = value;
            return this;
        }

        /**
         * @param value how late a slot may start and still count as on time (not a missed slot); 5 minutes
         * @return this builder
         */
        public Builder misfireGrace(Duration value) {
            this.misfireGrace = value;
            return this;
        }

        /**
         * @param value how long a ledger entry without an export job may stay RUNNING before a node marks it FAILED (its
         *              node died before it submitted the export); the export service's recovery grace, at least a minute,
         *              by default. An entry with a job gets the job's outcome when the job ends, wherever it ran.
         * @return this builder
         */
        public Builder staleRunAfter(Duration value) {
            this.staleRunAfter = value;
            return this;
        }

        /**
         * @param value how far before its watermark a delta schedule's next run starts looking for changes; 5 minutes by
         *              default. The watermark is the database's clock less its oldest open transaction where the database
         *              tells (PostgreSQL, MariaDB/MySQL), so the overlap covers what it cannot see: a host that writes
         *              {@code updated_at} from its own clock (skew), and on H2 and SQLite a transaction open across a run.
         *              A row may come out in two deltas; none is missed.
         * @return this builder
         */
        public Builder deltaOverlap(Duration value) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException("deltaOverlap must be zero or more, got " + value);
            }
            this.deltaOverlap = value;
            return this;
        }

        /**
         * @param value how many slots this node runs at once; 2 by default
         * @return this builder
         */
        public Builder threads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + value);
            }
            this.threads = value;
            return this;
        }

        /**
         * @param value whether missing tables are created on build; {@code true} by default
         * @return this builder
         */
        public Builder createTables(boolean value) {
            this.createTables = value;
            return this;
        }

        /**
         * @param value how long {@link ExportScheduler#stop()} lets running slots finish before it interrupts them
         *              (db-scheduler's own default is 30 minutes), then interrupts them; 10 seconds by default. A slot
         *              whose run was cut short this way is never run again (its ledger entry exists).
         * @return this builder
         */
        public Builder shutdownMaxWait(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("shutdownMaxWait must not be negative, got " + value);
            }
            this.shutdownMaxWait = value;
            return this;
        }

        /**
         * @param listener told of every slot this node ends (completed, failed or skipped), and of every manual
         *                 run it started, once the ledger has it; called on the scheduler's threads, so it must be
         *                 quick and thread-safe. An exception it throws is logged and otherwise ignored.
         * @return this builder
         */
        public Builder onRun(Consumer<ScheduleRun> listener) {
            this.onRun = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** @return the scheduler, not started */
        public ExportScheduler build() {
            return new ExportScheduler(this);
        }
    }
}
