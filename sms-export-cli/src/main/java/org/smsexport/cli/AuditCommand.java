package org.smsexport.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smsexport.AuditQuery;
import org.smsexport.AuditRecord;
import org.smsexport.AuditVerification;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobId;
import org.smsexport.core.ExportAudit;
import org.smsexport.jdbc.JdbcAuditSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The database's audit trail: who exported, downloaded, mailed or deleted what; or a check of its hash chain. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = {"List the audit trail, newest first: who exported, "
        + "downloaded, mailed, archived or deleted which export, when and from where.",
        "With --verify, check its hash chain instead: exit 0 when whole, 1 naming the first broken record."})
final class AuditCommand extends Common implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--job", paramLabel = "ID", description = "Only this job's records.")
    String job;

    @Option(names = "--actor", paramLabel = "USER", description = "Only this actor's records.")
    String actor;

    @Option(names = "--days", paramLabel = "N", description = "Only the last N days.")
    Integer days;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--verify", description = "Check the hash chain instead of listing.")
    boolean verify;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // held to the anchor the services keep beside the exports (.audit-anchor), outside the database
        ExportAudit audit = ExportAudit.of(JdbcAuditSink.withPrefix(database.open(), org.smsexport.support.OwnTables.prefix(
                DatabaseOptions.environment)), database.exportsDir());
        if (verify) {
            AuditVerification v = audit.verify();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("intact", v.intact());
                m.put("checked", v.checked());
                m.put("first_broken", v.firstBroken().orElse(null));
                m.put("message", v.message());
                printJson(out, m);
            } else {
                (v.intact() ? out : spec.commandLine().getErr()).println(v.message());
            }
            return v.intact() ? 0 : 1;
        }
        if (days != null && days < 1) {
            throw new InvalidRequestException("--days must be 1 or more, got " + days + ".");
        }
        AuditQuery q = new AuditQuery(Optional.ofNullable(job).map(JobId::of), Optional.ofNullable(actor),
                Optional.ofNullable(days).map(d -> Instant.now().minus(Duration.ofDays(d))), Optional.empty(), limit);
        List<AuditRecord> records = audit.list(q);
        if (json) {
            records.forEach(r -> printJson(out, ExportAudit.json(r)));
            return 0;
        }
        if (records.isEmpty()) {
            out.println("No audit records.");
            return 0;
        }
        List<Map<String, Object>> table = new ArrayList<>();
        for (AuditRecord r : records) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("seq", r.seq());
            t.put("at", r.entry().at().toString());
            t.put("event", r.entry().event().id());
            t.put("actor", r.entry().actor());
            t.put("job", r.entry().jobId().value());
            t.put("type", r.entry().exportType() + "/" + r.entry().exportFormat());
            t.put("rows", r.entry().rows().isPresent() ? Long.toString(r.entry().rows().getAsLong()) : "-");
            t.put("from", r.entry().clientAddress().orElse("-"));
            t.put("detail", r.entry().recipients().isEmpty() ? r.entry().route().orElse("-") : String.join(", ", r.entry().recipients()));
            table.add(t);
        }
        Table.printRows(out, table);
        return 0;
    }
}
