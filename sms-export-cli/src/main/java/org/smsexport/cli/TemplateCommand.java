package org.smsexport.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smsexport.ExportTemplate;
import org.smsexport.InvalidRequestException;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcTemplateStore;
import org.smsexport.rest.TemplateJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code template add|list|show|delete}: the database's export templates, which {@code export --template} runs. */
@Command(name = "template", mixinStandardHelpOptions = true, description = "Saved exports to run by name (the database's sms_export_templates).",
        subcommands = {TemplateCommand.Add.class, TemplateCommand.ListTemplates.class, TemplateCommand.Show.class, TemplateCommand.Delete.class})
final class TemplateCommand {

    /** Whose the command line's templates and jobs are. */
    static final String OWNER = "cli";

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Save a template; it is checked as an export made from it would be.")
    static final class Add extends Common implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions database;

        @Parameters(paramLabel = "NAME", description = "1 to 64 characters from a-z, 0-9, '_' and '-'.")
        String name;

        @Option(names = "--type", required = true, description = "students, courses, grades, enrollments or attendance.")
        String type;

        @Option(names = "--format", required = true, description = "csv, xlsx (excel) or pdf.")
        String format;

        @Option(names = "--filter", paramLabel = "KEY=VALUE", description = "A filter, repeatable.")
        Map<String, String> filters = new LinkedHashMap<>();

        @Option(names = "--option", paramLabel = "KEY=VALUE", description = "A format option, repeatable (never a password).")
        Map<String, String> options = new LinkedHashMap<>();

        @Option(names = "--locale", description = "Language of headers: en or el.")
        String locale;

        @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone of the file's dates and times, e.g. Europe/Athens "
                + "(default: the service's, EXPORT_TIME_ZONE).")
        String zone;

        @Option(names = "--description", description = "What it is for.")
        String description;

        @Override
        public Integer call() {
            Instant now = Instant.now();
            ExportTemplate t = new ExportTemplate(name, OWNER, type, format, filters, options,
                    Optional.ofNullable(locale).map(Locale::forLanguageTag), Optional.ofNullable(zone).map(org.smsexport.support.TimeZones::of),
                    Optional.ofNullable(description), now, now);
            javax.sql.DataSource db = database.open();
            try (ExportService exports = DatabaseOptions.jobsIn(db).createOutputDirectory(false)
                    .dataSource(database.source(db)).build()) {
                exports.templates().save(t);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                printJson(out, TemplateJson.toMap(t));
            } else {
                out.println("Saved template " + name + " (" + type + " " + format + "); run it with: sms-export export --template " + name);
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The saved templates.")
    static final class ListTemplates extends Common implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions database;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<ExportTemplate> all = JdbcTemplateStore.withPrefix(database.open(), org.smsexport.support.OwnTables.prefix(DatabaseOptions.environment)).list(OWNER);
            if (json) {
                all.forEach(t -> printJson(out, TemplateJson.toMap(t)));
            } else if (all.isEmpty()) {
                out.println("No templates.");
            } else {
                List<Map<String, Object>> rows = new java.util.ArrayList<>();
                for (ExportTemplate t : all) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", t.name());
                    row.put("type", t.type());
                    row.put("format", t.format());
                    row.put("filters", t.filters().isEmpty() ? "-" : t.filters().toString());
                    row.put("description", t.description().orElse("-"));
                    rows.add(row);
                }
                Table.printRows(out, rows);
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One template.")
    static final class Show extends Common implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions database;

        @Parameters(paramLabel = "NAME", description = "The template's name.")
        String name;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ExportTemplate t = JdbcTemplateStore.withPrefix(database.open(), org.smsexport.support.OwnTables.prefix(DatabaseOptions.environment)).find(OWNER, name)
                    .orElseThrow(() -> new InvalidRequestException("No template '" + name + "'. 'sms-export template list' shows them."));
            if (json) {
                printJson(out, TemplateJson.toMap(t));
            } else {
                TemplateJson.toMap(t).forEach((k, v) -> {
                    if (v != null) {
                        out.printf(Locale.ROOT, "%-12s %s%n", k, v);
                    }
                });
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a template.")
    static final class Delete extends Common implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions database;

        @Parameters(paramLabel = "NAME", description = "The template's name.")
        String name;

        @Override
        public Integer call() {
            if (!JdbcTemplateStore.withPrefix(database.open(), org.smsexport.support.OwnTables.prefix(DatabaseOptions.environment)).delete(OWNER, name)) {
                throw new InvalidRequestException("No template '" + name + "'. 'sms-export template list' shows them.");
            }
            spec.commandLine().getOut().println("Deleted template " + name);
            return 0;
        }
    }
}
