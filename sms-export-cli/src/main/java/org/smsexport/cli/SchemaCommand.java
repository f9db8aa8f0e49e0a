package org.smsexport.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smsexport.InvalidRequestException;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.SmsSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * SQL for a database administrator to read and run — the SMS tables, what delta exports need, or sms-export's own tables
 * — and {@code schema check}, which says what each export type reads from a host's database and what it lacks.
 */
@Command(name = "schema", mixinStandardHelpOptions = true, subcommands = SchemaCommand.Check.class,
        description = {"Print the SQL of the SMS tables sms-export reads.",
            "With --migrate-sql, print what an existing database needs for delta exports (--changed-since): created_at, "
                + "updated_at and deleted_at on every table, and an index on updated_at. Idempotent; H2 and PostgreSQL.",
            "With --print-ddl, print the tables sms-export itself keeps (jobs, nodes, templates, audit trail, mail outbox, "
                + "schedules), for a database where the application's user may not create tables.",
            "'schema check --db URL' says, per export type, what it will read and what is missing."})
final class SchemaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--migrate-sql", description = "Print the migration for delta exports instead of the tables.")
    boolean migrate;

    @Option(names = "--print-ddl", description = "Print the DDL of sms-export's own tables, with EXPORT_TABLE_PREFIX.")
    boolean printDdl;

    @Option(names = "--dialect", paramLabel = "DB", description = "The database --print-ddl writes for: postgresql (default), h2, "
            + "mariadb, mysql or sqlite.")
    String dialect = "postgresql";

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (migrate && printDdl) {
            throw new InvalidRequestException("Give --migrate-sql or --print-ddl, not both.");
        }
        List<String> sql;
        if (printDdl) {
            String d = dialect.strip().toLowerCase(java.util.Locale.ROOT);
            org.smsexport.support.SqlDialect sqlDialect = switch (d) {
                case "postgresql", "postgres" -> org.smsexport.support.SqlDialect.POSTGRESQL;
                case "h2" -> org.smsexport.support.SqlDialect.H2;
                case "mariadb", "mysql" -> org.smsexport.support.SqlDialect.MARIADB;
                case "sqlite" -> org.smsexport.support.SqlDialect.SQLITE;
                default -> throw new InvalidRequestException("--dialect '" + dialect + "' is not known; use postgresql, h2, mariadb, "
                        + "mysql or sqlite.");
            };
            String prefix = org.smsexport.support.OwnTables.prefix(DatabaseOptions.environment);
            sql = new ArrayList<>(org.smsexport.jdbc.JdbcJobStore.ddl(prefix, sqlDialect));
            sql.addAll(org.smsexport.jdbc.JdbcTemplateStore.ddl(prefix, sqlDialect));
            sql.addAll(org.smsexport.jdbc.JdbcAuditSink.ddl(prefix, sqlDialect));
            sql.addAll(org.smsexport.mail.MailOutbox.ddl(prefix, sqlDialect));
            sql.addAll(org.smsexport.scheduler.ExportScheduler.ddl(prefix, sqlDialect));
            if (d.equals("mysql")) {
                // MySQL's CREATE INDEX has no IF NOT EXISTS; these statements are run once, by hand
                sql.replaceAll(statement -> statement.replace("CREATE INDEX IF NOT EXISTS", "CREATE INDEX"));
            }
        } else {
            sql = migrate ? SmsSchema.standard().migrationSql() : SmsSchema.standard().ddl();
        }
        for (String s : sql) {
            out.println(s + ";");
        }
        return 0;
    }

    /** {@code schema check}: per type, the table and columns an export reads, what is missing, and whether it can export. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = {"Say, per export type, which table and columns it "
            + "reads from the database and what is missing; nothing is changed and no row is read.",
        "Exit code 0 when every type can export, 1 when one cannot."})
    static final class Check extends Common implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions database;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<JdbcDataSource.TypeCheck> checks = database.source(database.open()).checkSchema();
            boolean all = checks.stream().allMatch(JdbcDataSource.TypeCheck::exportable);
            if (json) {
                List<Map<String, Object>> types = new ArrayList<>();
                for (JdbcDataSource.TypeCheck c : checks) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", c.type());
                    m.put("table", c.table());
                    m.put("exportable", c.exportable());
                    m.put("columns", c.columns());
                    m.put("missing", c.columns().entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList());
                    m.put("problem", c.problem());
                    m.put("warnings", c.warnings());
                    m.put("delta", c.noDeltas() == null);
                    m.put("delta_problem", c.noDeltas());
                    types.add(m);
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("exportable", all);
                doc.put("types", types);
                printJson(out, doc);
            } else {
                for (JdbcDataSource.TypeCheck c : checks) {
                    out.println(c.type() + ": " + (c.exportable() ? "ok" : "CANNOT EXPORT") + (c.table() == null ? "" : ", from table "
                            + c.table()));
                    List<String> read = new ArrayList<>();
                    List<String> missing = new ArrayList<>();
                    c.columns().forEach((logical, actual) -> {
                        if (actual == null) {
                            missing.add(logical);
                        } else {
                            read.add(logical.equals(actual) ? actual : logical + "=" + actual);
                        }
                    });
                    out.println("  reads:   " + String.join(", ", read));
                    if (!missing.isEmpty()) {
                        out.println("  missing: " + String.join(", ", missing));
                    }
                    if (c.problem() != null) {
                        out.println("  problem: " + c.problem());
                    }
                    c.warnings().forEach(w -> out.println("  warning: " + w));
                    out.println("  delta exports: " + (c.noDeltas() == null ? "yes" : "no — " + c.noDeltas()));
                }
                out.println(all ? "Every type can export." : "Some types cannot export; see above.");
            }
            return all ? 0 : Main.FAILED;
        }
    }
}
