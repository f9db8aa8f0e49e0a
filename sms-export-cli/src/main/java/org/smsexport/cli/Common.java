package org.smsexport.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.JobStatus;
import org.smsexport.core.ExportService;
import picocli.CommandLine.Option;

/** Options every command has, and the progress bar and result printing they share. */
class Common {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--json", description = "Machine-readable output: one JSON object per line.")
    boolean json;

    @Option(names = "--verbose", description = "Log at DEBUG and show stack traces.")
    boolean verbose;

    /**
     * Submits a request and waits, drawing a progress bar on a terminal.
     *
     * @return the outcome
     */
    ExportOutcome runWithProgress(ExportService exports, ExportRequest request, PrintWriter err) throws Exception {
        ExportJob job = exports.submit(request);
        String label = String.format(Locale.ROOT, "%-11s %-5s", request.type(), job.format());
        boolean tty = System.console() != null && !json;
        var future = exports.completion(job.id());
        while (!future.isDone()) {
            if (tty) {
                ExportJob now = exports.job(job.id()).orElse(job);
                err.print("\r" + label + " " + bar(now.progressPercent()) + String.format(Locale.ROOT, " %3d%% %,12d rows",
                        now.progressPercent(), now.totalRecords()));
                err.flush();
            }
            try {
                future.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // draw again
            }
        }
        if (tty) {
            err.print("\r" + " ".repeat(label.length() + 45) + "\r");
            err.flush();
        }
        return future.get();
    }

    private static String bar(int percent) {
        int filled = percent / 5;
        return "[" + "#".repeat(filled) + "-".repeat(20 - filled) + "]";
    }

    /**
     * @param name a type name from the command line
     * @return the built-in type
     * @throws org.smsexport.InvalidRequestException naming the value and the types there are
     */
    static org.smsexport.ExportType builtInType(String name) {
        return org.smsexport.ExportType.builtIn(name).orElseThrow(() -> new org.smsexport.InvalidRequestException("Unknown export type '"
                + name + "'. Available: " + org.smsexport.ExportType.builtIns().stream().map(org.smsexport.ExportType::name).toList() + "."));
    }

    /** @return what every printed job starts with: {@code id, type, format, status, rows, bytes} */
    static Map<String, Object> identity(ExportJob j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id().value());
        m.put("type", j.type());
        m.put("format", j.format());
        m.put("status", j.status().id());
        m.put("rows", j.totalRecords());
        m.put("bytes", j.fileSizeBytes());
        return m;
    }

    /** One result as an ordered map: the {@code --json} keys. */
    static Map<String, Object> result(ExportOutcome outcome, org.smsexport.spi.ExportStorage storage) {
        ExportJob j = outcome.job();
        Map<String, Object> m = identity(j);
        double seconds = j.duration().map(Duration::toNanos).orElse(0L) / 1e9;
        m.put("seconds", Math.round(seconds * 1000) / 1000.0);
        m.put("rows_per_second", seconds > 0 ? Math.round(j.totalRecords() / seconds) : 0);
        // where the file is for people: a path, or s3://bucket/key
        m.put("file", outcome instanceof ExportOutcome.Completed ? j.fileName().map(storage::describe).orElse(null) : null);
        m.put("sha256", j.sha256().orElse(null));
        m.put("warnings", j.warnings());
        m.put("error", j.errorMessage().orElse(null));
        return m;
    }

    void printJson(PrintWriter out, Map<String, Object> value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    static String relative(String file) {
        if (file == null) {
            return "-";
        }
        Path p = Path.of(file).toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return p.startsWith(here) ? here.relativize(p).toString() : p.toString();
    }

    static boolean ok(ExportOutcome o) {
        return o.job().status() == JobStatus.COMPLETED;
    }

    /** Waits until the process is asked to stop (SIGTERM, Ctrl-C), for a command that runs until then. */
    static void untilStopped() throws InterruptedException {
        Stop.register().await();
    }

    /**
     * A stop signal a long-running command registers as it starts, before it opens anything: SIGTERM or Ctrl-C then
     * lets it close what it opened (running exports get their shutdown time, the node leaves the list) before the JVM
     * halts — the JVM halts once the hooks return, so the hook waits until the command has returned. A signal during
     * start-up makes {@link #await} return at once.
     */
    static final class Stop {
        private final java.util.concurrent.CountDownLatch signalled = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        private final Thread hook = new Thread(this::onSignal, "sms-export-stop");

        private Stop() {
        }

        /** @return the stop signal, registered now */
        static Stop register() {
            Stop s = new Stop();
            Stop before = CURRENT.getAndSet(s);
            if (before != null) {
                before.release();
            }
            Runtime.getRuntime().addShutdownHook(s.hook);
            return s;
        }

        private void onSignal() {
            signalled.countDown();
            try {
                closed.await(CLOSE_BUDGET.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits for the signal. @throws InterruptedException when interrupted (an embedding host, a test) */
        void await() throws InterruptedException {
            signalled.await();
        }

        /** The command has returned: a signal waiting for it lets the JVM end; without a signal the hook goes. */
        private void release() {
            closed.countDown();
            if (signalled.getCount() > 0) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is stopping anyway
                }
            }
        }
    }

    /** The longest a stop signal waits for a command to close: the service's shutdown time and some. */
    static final java.time.Duration CLOSE_BUDGET = java.time.Duration.ofSeconds(45);

    private static final java.util.concurrent.atomic.AtomicReference<Stop> CURRENT = new java.util.concurrent.atomic.AtomicReference<>();

    /** Called when a command has returned, its resources closed: a stop signal waiting for it lets the JVM end. */
    static void closed() {
        Stop s = CURRENT.getAndSet(null);
        if (s != null) {
            s.release();
        }
    }
}
