package org.smsexport.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.smsexport.core.ExportMaintenance;
import org.smsexport.core.ExportService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Retention: delete (or archive) finished exports older than a number of days, from a persistent job store. */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "Delete or archive finished exports older than --days (jobs in a database's sms_export_jobs table).")
final class CleanupCommand extends Common implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--days", defaultValue = "30", description = "Age in days (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--archive", paramLabel = "DIR", description = "Move files here and mark jobs ARCHIVED instead of deleting.")
    Path archive;

    @Option(names = "--dry-run", description = "Report what would be done; change nothing.")
    boolean dryRun;

    @Mixin
    DatabaseOptions database;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DataSource jobs = database.open();
        try (ExportService exports = database.service(jobs).createOutputDirectory(false).noMetricsFile().discovery(false).build()) {
            ExportMaintenance m = exports.maintenance();
            if (archive != null) {
                ExportMaintenance.ArchiveResult r = m.cleanupAndArchiveOldExports(days, archive, dryRun);
                if (json) {
                    printJson(out, r.toMap());
                } else {
                    out.printf(Locale.ROOT, dryRun ? "Would archive %,d jobs (%,d files to %s, %,d files already gone), cutoff %s%n"
                            : "%,d jobs archived (%,d files moved to %s, %,d files already gone), cutoff %s%n", r.archivedJobs(),
                            r.archivedFiles(), r.archivePath(), r.missingFiles(), r.cutoffDate());
                    r.errors().forEach(e -> out.println("  error: " + e));
                }
                return r.errors().isEmpty() ? 0 : Main.FAILED;
            }
            ExportMaintenance.CleanupResult r = m.cleanupOldExports(days, true, dryRun);
            if (json) {
                printJson(out, r.toMap());
            } else {
                out.printf(Locale.ROOT, dryRun ? "Would delete %,d jobs and %,d files, cutoff %s%n"
                        : "%,d jobs and %,d files deleted, cutoff %s%n", r.deletedJobs(), r.deletedFiles(), r.cutoffDate());
                r.errors().forEach(e -> out.println("  error: " + e));
            }
            return r.errors().isEmpty() ? 0 : Main.FAILED;
        }
    }
}
