package org.smsexport.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.smsexport.jdbc.SmsSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The SMS schema's SQL, for a database administrator to read and run: the tables, or what delta exports need. */
@Command(name = "schema", mixinStandardHelpOptions = true, description = {"Print the SQL of the SMS tables sms-export reads.",
        "With --migrate-sql, print what an existing database needs for delta exports (--changed-since): created_at, "
                + "updated_at and deleted_at on every table, and an index on updated_at. Idempotent; H2 and PostgreSQL."})
final class SchemaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--migrate-sql", description = "Print the migration for delta exports instead of the tables.")
    boolean migrate;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String sql : migrate ? SmsSchema.standard().migrationSql() : SmsSchema.standard().ddl()) {
            out.println(sql + ";");
        }
        return 0;
    }
}
