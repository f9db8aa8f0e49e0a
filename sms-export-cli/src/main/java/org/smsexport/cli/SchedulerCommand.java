package org.smsexport.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
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
            PrintWriter out = spec.commandLine().getOut();
            if (poll < 0.05 || poll > 3600) {
                throw new IllegalArgumentException("--poll must be 0.05 to 3600 seconds, got " + poll);
            }
            try (Schedules.Session s = Schedules.run(database, Duration.ofMillis(Math.round(poll * 1000)))) {
                if (maintenance != null && s.scheduler().list().stream().noneMatch(i -> i.isMaintenance())) {
                    out.println("Scheduled the retention cleanup: " + s.scheduler().scheduleMaintenance(maintenance));
                }
                s.scheduler().start();
                out.println("Scheduler " + s.scheduler().nodeName() + " running " + s.scheduler().list().size()
                        + " schedule(s); Ctrl-C stops it");
                out.flush();
                untilStopped();
            }
            return 0;
        }
    }
}
