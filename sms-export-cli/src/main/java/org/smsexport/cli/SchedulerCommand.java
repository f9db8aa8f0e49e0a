package org.smsexport.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smsexport.ExportJob;
import org.smsexport.JobId;
import org.smsexport.core.ExportService;
import org.smsexport.scheduler.ScheduleRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scheduler run}: a foreground process that executes due schedules until stopped. */
@Command(name = "scheduler", mixinStandardHelpOptions = true, description = "Run scheduled exports.",
        subcommands = SchedulerCommand.Run.class)
final class SchedulerCommand {

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Execute due schedules until stopped (Ctrl-C). Run it "
            + "on as many machines as you like against one database: each slot runs once.")
    static final class Run extends Common implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions database;

        @Option(names = "--maintenance", paramLabel = "FREQUENCY", description = "Also schedule the retention cleanup (e.g. daily), "
                + "once for the database.")
        String maintenance;

        @Option(names = "--poll", paramLabel = "SECONDS", defaultValue = "10", description = "How often due slots are looked for "
                + "(default ${DEFAULT-VALUE}).")
        double poll;

        @Override
        public Integer call() throws Exception {
        // before anything is opened: a stop signal during start-up still closes what was opened
        Stop stop = Stop.register();
            PrintWriter out = spec.commandLine().getOut();
            if (poll < 0.05 || poll > 3600) {
                throw new IllegalArgumentException("--poll must be 0.05 to 3600 seconds, got " + poll);
            }
            try (Schedules.Session s = Schedules.run(database, Duration.ofMillis(Math.round(poll * 1000)),
                    (exports, run) -> print(out, exports, run))) {
                PrintWriter say = json ? spec.commandLine().getErr() : out;
                if (maintenance != null && s.scheduler().list().stream().noneMatch(i -> i.isMaintenance())) {
                    say.println("Scheduled the retention cleanup: " + s.scheduler().scheduleMaintenance(maintenance));
                }
                s.scheduler().start();
                say.println("Scheduler " + s.scheduler().nodeName() + " running " + s.scheduler().list().size()
                        + " schedule(s); Ctrl-C stops it");
                if (!json) {
                    out.println(line("schedule", "slot", "job", "status", "rows", "file"));
                }
                say.flush();
                out.flush();
                stop.await();
            }
            return 0;
        }

        /** One run as it ends: a JSON line, or a line of the table whose header {@link #call()} printed. */
        private void print(PrintWriter out, ExportService exports, ScheduleRun run) {
            Optional<ExportJob> job = run.jobId().flatMap(id -> exports.job(JobId.of(id)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schedule_id", run.scheduleId());
            m.put("slot", run.slot().toString());
            m.put("trigger", run.trigger());
            m.put("job_id", run.jobId().orElse(null));
            m.put("status", org.smsexport.rest.ScheduleJson.status(run));
            m.put("rows", job.map(ExportJob::totalRecords).orElse(null));
            m.put("file", job.flatMap(ExportJob::fileName).map(exports.storage()::describe).orElse(null));
            m.put("error", run.error().orElse(null));
            synchronized (out) {
                if (json) {
                    printJson(out, m);
                } else {
                    out.println(line(run.scheduleId(), run.slot().toString(), run.jobId().orElse("-"), org.smsexport.rest.ScheduleJson.status(run),
                            job.map(j -> String.format(Locale.ROOT, "%,d", j.totalRecords())).orElse("-"),
                            job.flatMap(ExportJob::fileName).map(f -> relative(exports.storage().describe(f)))
                                    .orElse(run.error().orElse("-"))));
                }
                out.flush();
            }
        }

        private static String line(String schedule, String slot, String job, String status, String rows, String file) {
            return String.format(Locale.ROOT, "%-34s %-20s %-26s %-9s %9s  %s", schedule, slot, job, status, rows, file);
        }
    }
}
