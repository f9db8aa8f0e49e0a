package org.smsexport.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import org.smsexport.core.InMemoryDataSource;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;

/**
 * Many small exports: {@code jobs} CSV exports of 30 students submitted at once (from {@value #CLIENTS} threads), with
 * the JDBC job store on an embedded PostgreSQL, first to one node (that runs them) — then, on that node, half as many
 * submitted evenly at 80% of the rate it reached, for the latency of a steady load — and then to a node that only
 * accepts them while three worker processes (JVMs of their own, this class's {@link #main}) run them. Each node first
 * runs up to 500 unmeasured jobs (its code compiled, its pool filled), as every row of the report warms up. What matters is the cost around each job, not
 * rows per second: jobs per second from the first submit to the last completion, and p50/p95 of each job's time from
 * submit to COMPLETED, read from the store's own {@code created_at} and {@code completed_at}.
 */
final class SmallJobs {

    static final int ROWS = 30;
    /** Threads submitting at once, as clients of a web server would. */
    static final int CLIENTS = Integer.getInteger("smalljobs.clients", 8);
    /** Whether PostgreSQL flushes its WAL at each commit, as a production server does ({@code -Dsmalljobs.durable=false}: the embedded default, off). */
    static final boolean DURABLE = !"false".equals(System.getProperty("smalljobs.durable"));

    private SmallJobs() {
    }

    /** @return {@code {"work": "small-jobs", "jobs", "jobs_per_second_one_node", "jobs_per_second_three_nodes", "p50_seconds", "p95_seconds", …}} */
    static Map<String, Object> measure(int jobs) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("work", "small-jobs");
        m.put("jobs", jobs);
        m.put("rows", (long) ROWS);
        int warmUp = Math.min(500, jobs);
        EmbeddedPostgres.Builder server = EmbeddedPostgres.builder();
        if (DURABLE) {
            // as a production server commits: each commit waits for its WAL flush (the embedded server's default is off)
            server.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
        }
        try (EmbeddedPostgres pg = server.start()) {
            Path dir = Files.createTempDirectory("sms-export-small-jobs");
            try {
                DataSource one = database(pg, "one_node");
                double[] single;
                double[] steady;
                double steadyRate;
                try (ExportService node = node(one, dir.resolve("one"), 2, "bench-1")) {
                    run(node, one, warmUp, 0); // unmeasured: a node that has run for a while, as every row of the report warms up
                    single = run(node, one, jobs, 0);
                    // then a steady stream at 80% of the rate the burst reached: the latency a job sees at that load
                    steadyRate = 0.8 * single[0];
                    steady = run(node, one, Math.max(20, jobs / 2), steadyRate);
                }
                DataSource three = database(pg, "three_nodes");
                double[] shared;
                List<Process> workers = new ArrayList<>();
                try (ExportService front = node(three, dir.resolve("three"), 0, "bench-front")) {
                    String url = pg.getJdbcUrl("postgres", "three_nodes");
                    for (int i = 1; i <= 3; i++) {
                        Process p = new ProcessBuilder(Workloads.childJvm(List.of("-Xmx256m"), SmallJobs.class, url,
                                dir.resolve("three").toString(), "bench-worker-" + i)).redirectErrorStream(true).start();
                        workers.add(p);
                        awaitReady(p);
                    }
                    run(front, three, warmUp, 0);
                    shared = run(front, three, jobs, 0);
                } finally {
                    for (Process p : workers) {
                        p.destroy();
                        p.waitFor();
                    }
                }
                m.put("jobs_per_second_one_node", Stats.round(single[0]));
                m.put("jobs_per_second_three_nodes", Stats.round(shared[0]));
                m.put("p50_seconds", Stats.round(single[1]));
                m.put("p95_seconds", Stats.round(single[2]));
                m.put("steady_jobs_per_second", Stats.round(steadyRate));
                m.put("p50_seconds_steady", Stats.round(steady[1]));
                m.put("p95_seconds_steady", Stats.round(steady[2]));
                m.put("p50_seconds_three_nodes", Stats.round(shared[1]));
                m.put("p95_seconds_three_nodes", Stats.round(shared[2]));
            } finally {
                Workloads.deleteTree(dir);
            }
        }
        return m;
    }

    private static DataSource database(EmbeddedPostgres pg, String name) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return pooled(pg.getJdbcUrl("postgres", name));
    }

    /** The store's database behind a HikariCP pool, as a deployment has it (a connection per call costs a backend process). */
    static DataSource pooled(String url) {
        com.zaxxer.hikari.HikariConfig c = new com.zaxxer.hikari.HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername("postgres");
        c.setMaximumPoolSize(Integer.getInteger("smalljobs.pool", 10));
        c.setPoolName("small-jobs");
        return new com.zaxxer.hikari.HikariDataSource(c);
    }

    /** A node over 30 students in memory and the JDBC job store, with {@code workers} workers (0: accept only). */
    static ExportService node(DataSource db, Path out, int workers, String name) {
        List<Object[]> rows = Workloads.generate(ExportType.STUDENTS, ROWS);
        return ExportService.builder().dataSource(InMemoryDataSource.builder().rows(ExportType.STUDENTS, rows).build())
                .jobStore(JdbcJobStore.create(db)).outputDirectory(out).maxRecords(0).noMetricsFile().workers(workers).nodeName(name)
                .queuePoll(Duration.ofMillis(50)).queueCapacity(10_000).fsync(Boolean.getBoolean("smalljobs.fsync")).build();
    }

    /**
     * Submits {@code jobs} exports from {@value #CLIENTS} client threads — all at once when {@code rate} is 0, else evenly
     * at {@code rate} a second — and waits until every one has ended.
     *
     * @return {jobs per second from the first submit to the last end, p50 seconds, p95 seconds} of these jobs
     */
    static double[] run(ExportService node, DataSource db, int jobs, double rate) throws Exception {
        long before = finished(db);
        java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.ScheduledExecutorService clients = java.util.concurrent.Executors.newScheduledThreadPool(CLIENTS);
        long t0 = System.nanoTime();
        try {
            long period = rate > 0 ? (long) (1e9 / rate) : 0;
            java.util.concurrent.Callable<Boolean> one = () -> ids.add(node.submit(ExportRequest.builder().type(ExportType.STUDENTS)
                    .format("csv").build()).id().value());
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>(jobs);
            for (int i = 0; i < jobs; i++) {
                sent.add(period == 0 ? clients.submit(one) : clients.schedule(one, i * period, java.util.concurrent.TimeUnit.NANOSECONDS));
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get();
            }
        } finally {
            clients.shutdown();
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (finished(db) < before + jobs) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("small jobs: " + (finished(db) - before) + " of " + jobs + " finished after 10 minutes");
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] p = percentiles(db, ids::contains);
        return new double[] {jobs / seconds, p[0], p[1]};
    }

    /** @return {p50, p95} seconds from submit to COMPLETED of the jobs whose ids {@code which} accepts (all must have completed) */
    private static double[] percentiles(DataSource db, java.util.function.Predicate<String> which) throws Exception {
        List<Double> latencies = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, EXTRACT(EPOCH FROM completed_at - created_at), status FROM sms_export_jobs")) {
            while (rs.next()) {
                if (!which.test(rs.getString(1))) {
                    continue;
                }
                if (!"COMPLETED".equals(rs.getString(3))) {
                    throw new IllegalStateException("a small job ended " + rs.getString(3));
                }
                latencies.add(rs.getDouble(2));
            }
        }
        latencies.sort(null);
        return new double[] {latencies.get(latencies.size() / 2), latencies.get((int) Math.ceil(latencies.size() * 0.95) - 1)};
    }

    private static long finished(DataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sms_export_jobs WHERE status IN ('COMPLETED', 'FAILED', 'CANCELLED')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitReady(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            if (line.equals("READY")) {
                // the rest of its output is not read: drain it so the worker never blocks on a full pipe
                Thread drain = new Thread(() -> {
                    try {
                        while (r.readLine() != null) {
                            // discard
                        }
                    } catch (java.io.IOException e) {
                        // the worker ended
                    }
                }, "small-jobs-drain");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IllegalStateException("a small-jobs worker ended before it was ready (exit " + p.waitFor() + ")");
    }

    /**
     * A worker process: {@code <jdbc url> <output dir> <node name>}; two workers over the shared store, until killed.
     *
     * @param args the URL of the job store's database, the shared output directory, the node's name
     */
    public static void main(String[] args) throws Exception {
        DataSource db = Boolean.getBoolean("smalljobs.unpooled") ? JdbcDataSource.driverManager(args[0], "postgres", null) : pooled(args[0]);
        ExportService node = node(db, Path.of(args[1]), 2, args[2]);
        System.out.println("READY");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(node::close));
        Thread.currentThread().join();
    }
}
