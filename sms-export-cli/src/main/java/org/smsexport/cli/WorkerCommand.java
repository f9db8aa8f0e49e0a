package org.smsexport.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.smsexport.InvalidRequestException;
import org.smsexport.core.ExportService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A node of the shared queue that runs exports and serves nothing: it takes queued jobs from the database until stopped. */
@Command(name = "worker", mixinStandardHelpOptions = true, description = {"Run the exports queued in the database's sms_export_jobs "
        + "until Ctrl-C, next to other workers and servers sharing it (a 'serve --workers 0' accepts, workers run).",
        "Each job runs on one node; a job of a node that stopped is taken back and run again (EXPORT_MAX_ATTEMPTS)."})
final class WorkerCommand extends Common implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--workers", paramLabel = "N", description = "Exports run at once (default: EXPORT_WORKERS, else 2).")
    Integer workers;

    @Option(names = "--node", paramLabel = "NAME", description = "This node's name in the jobs' node column (default: "
            + "EXPORT_NODE_NAME, else host:pid).")
    String node;

    @Override
    public Integer call() throws Exception {
        // before anything is opened: a stop signal during start-up still closes what was opened
        Stop stop = Stop.register();
        PrintWriter out = spec.commandLine().getOut();
        if (workers != null && (workers < 1 || workers > 256)) {
            throw new InvalidRequestException("--workers must be 1 to 256 for a worker, got " + workers + ".");
        }
        DataSource db = database.open();
        ExportService.Builder builder = database.service(db).dataSource(database.source(db));
        if (workers != null) {
            builder.workers(workers);
        }
        if (node != null) {
            builder.nodeName(node);
        }
        try (Telemetry telemetry = Telemetry.fromEnvironment(DatabaseOptions.environment);
                ExportService exports = telemetry.apply(builder).build()) {
            if (exports.config().workers() == 0) {
                throw new InvalidRequestException("EXPORT_WORKERS=0: a worker with no workers would run nothing; give --workers N.");
            }
            out.println("Worker " + exports.config().nodeName() + " running up to " + exports.config().workers()
                    + " export(s) at once from the shared queue; Ctrl-C stops it");
            out.flush();
            stop.await();
        }
        return 0;
    }
}
