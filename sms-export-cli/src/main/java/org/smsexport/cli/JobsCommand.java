package org.smsexport.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.smsexport.ExportJob;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.JobNotFoundException;
import org.smsexport.JobStatus;
import org.smsexport.jdbc.JdbcJobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The export jobs a database records, newest first, or one of them whole. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List the database's export jobs, newest first.",
        subcommands = JobsCommand.Show.class)
final class JobsCommand extends Common implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--status", description = "Only jobs in this state: pending, running, completed, failed, cancelled, archived.")
    String status;

    @Option(names = "--type", description = "Only this export type.")
    String type;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (limit < 1 || limit > 10_000) {
            throw new InvalidRequestException("--limit must be 1 to 10000, got " + limit + ".");
        }
        JobFilter f = JobFilter.all();
        if (status != null) {
            f = f.withStatuses(JobStatus.parse(status));
        }
        if (type != null) {
            f = f.withType(builtInType(type).name());
        }
        List<ExportJob> jobs = store(database).list(f.withPage(0, limit)).stream().map(org.smsexport.spi.StoredJob::job).toList();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ExportJob j : jobs) {
            Map<String, Object> m = row(j);
            if (json) {
                printJson(out, m);
            }
            rows.add(m);
        }
        if (!json) {
            if (rows.isEmpty()) {
                out.println("No export jobs.");
            } else {
                List<Map<String, Object>> table = new ArrayList<>();
                for (Map<String, Object> m : rows) {
                    Map<String, Object> t = new LinkedHashMap<>();
                    t.put("id", m.get("id"));
                    t.put("type", m.get("type"));
                    t.put("format", m.get("format"));
                    t.put("status", m.get("status"));
                    t.put("rows", String.format(Locale.ROOT, "%,d", (Long) m.get("rows")));
                    t.put("size", Common.size((Long) m.get("bytes")));
                    t.put("created", m.get("created"));
                    t.put("file", m.get("file") == null ? "-" : m.get("file"));
                    table.add(t);
                }
                Table.printRows(out, table);
            }
        }
        return 0;
    }

    static JdbcJobStore store(DatabaseOptions database) {
        DataSource db = database.open();
        return JdbcJobStore.withPrefix(db, org.smsexport.support.OwnTables.prefix(DatabaseOptions.environment));
    }

    /** @return one job as the {@code --json} keys: {@code id, type, format, status, rows, bytes, created, file} and more */
    static Map<String, Object> row(ExportJob j) {
        Map<String, Object> m = identity(j);
        m.put("created", j.createdAt().toString());
        m.put("file", j.fileName().orElse(null));
        m.put("owner", j.owner());
        m.put("attempts", j.attempts());
        m.put("node", j.node().orElse(null));
        m.put("trace_id", j.traceId().orElse(null));
        m.put("completed", j.completedAt().map(Object::toString).orElse(null));
        m.put("sha256", j.sha256().orElse(null));
        m.put("warnings", j.warnings());
        m.put("error", j.errorMessage().orElse(null));
        return m;
    }

    /** One job with its warnings and error. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "One export job, with its warnings and error.")
    static final class Show extends Common implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions database;

        @Parameters(paramLabel = "ID", description = "The job id.")
        String id;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            JobId jobId;
            try {
                jobId = JobId.of(id);
            } catch (InvalidRequestException e) {
                throw new JobNotFoundException("No export job '" + id + "'. 'sms-export jobs' lists them.");
            }
            ExportJob j = store(database).find(jobId).map(org.smsexport.spi.StoredJob::job)
                    .orElseThrow(() -> new JobNotFoundException("No export job '" + id + "'. 'sms-export jobs' lists them."));
            Map<String, Object> m = row(j);
            if (json) {
                printJson(out, m);
                return 0;
            }
            m.forEach((k, v) -> {
                if (k.equals("warnings")) {
                    j.warnings().forEach(w -> out.println("warning: " + w));
                } else if (v != null) {
                    out.printf(Locale.ROOT, "%-10s %s%n", k, v);
                }
            });
            return 0;
        }
    }
}
