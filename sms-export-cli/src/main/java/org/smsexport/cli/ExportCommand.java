package org.smsexport.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** One export from any JDBC database (the demo database by default). */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Run one export from a JDBC database (H2 and PostgreSQL "
        + "drivers included; the demo database by default).")
final class ExportCommand extends Common implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--template", paramLabel = "NAME", description = "Start from a saved template ('sms-export template list'); "
            + "--type, --format, --filter, --option and --locale given here win.")
    String template;

    @Option(names = "--type", description = "students, courses, grades, enrollments or attendance (required without --template).")
    String type;

    @Option(names = "--format", description = "csv, xlsx (excel) or pdf (required without --template).")
    String format;

    @Option(names = "--filter", paramLabel = "KEY=VALUE", description = "A filter, repeatable: --filter status=active.")
    Map<String, String> filters = new LinkedHashMap<>();

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "A format option, repeatable: --option delimiter=';' "
            + "--option bom=false (csv), --option password=… (xlsx, pdf), --option page_size=letter (pdf).")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--file-password", arity = "0..1", interactive = true, paramLabel = "PASSWORD", description = "The file's "
            + "password (option password), typed at a prompt when given without a value, else from " + FILE_PASSWORD
            + ": kept out of the process list, unlike --option password=….")
    char[] filePassword;

    /** The environment variable with the exported file's password, kept out of the process list. */
    static final String FILE_PASSWORD = "EXPORT_FILE_PASSWORD";

    @Option(names = "--limit", description = "At most this many rows.")
    Long limit;

    @Option(names = "--changed-since", paramLabel = "INSTANT", description = "A delta export: only rows created, changed or "
            + "soft-deleted since then (2026-01-31T00:00:00Z, or a date), with one more last column, change (upsert or delete).")
    String changedSince;

    @Option(names = "--notify", paramLabel = "EMAIL", description = "Mail the outcome here (needs ENABLE_EMAIL_NOTIFICATIONS and "
            + "the SMTP_* settings).")
    String notify;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--max-records", paramLabel = "N", description = "Most records the export may hold, 0 for no limit (default: "
            + "EXPORT_MAX_RECORDS, else no limit).")
    Long maxRecords;

    @Option(names = "--locale", description = "Language of headers: en or el (default: the template's, else en).")
    String locale;

    @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone of the file's dates and times, e.g. Europe/Athens "
            + "(default: the template's, else EXPORT_TIME_ZONE, else this machine's).")
    String zone;

    /** @return an instant, or a date's midnight UTC */
    static java.time.Instant instant(String option, String value) {
        try {
            return value.strip().length() == 10 ? java.time.LocalDate.parse(value.strip()).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                    : java.time.OffsetDateTime.parse(value.strip()).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new org.smsexport.InvalidRequestException(option + " takes an instant such as 2026-01-31T00:00:00Z or a date such as "
                    + "2026-01-31, got '" + value + "'.");
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (template == null && (type == null || format == null)) {
            throw new org.smsexport.InvalidRequestException("Missing required option: " + (type == null ? "'--type=<type>'" : "'--format=<format>'")
                    + " (or --template NAME).");
        }
        if (filePassword != null && filePassword.length > 0) {
            options.put("password", new String(filePassword));
            java.util.Arrays.fill(filePassword, '\0');
        } else if (!options.containsKey("password") && DatabaseOptions.environment.get(FILE_PASSWORD) != null
                && !DatabaseOptions.environment.get(FILE_PASSWORD).isEmpty()) {
            options.put("password", DatabaseOptions.environment.get(FILE_PASSWORD));
        }
        ExportRequest.Builder request = ExportRequest.builder().type(type).format(format).filters(filters).options(options)
                .owner(TemplateCommand.OWNER);
        if (locale != null) {
            request.locale(Locale.forLanguageTag(locale));
        }
        if (zone != null) {
            request.zone(org.smsexport.support.TimeZones.of(zone));
        }
        if (limit != null) {
            request.limit(limit);
        }
        if (notify != null) {
            request.notifyEmail(notify);
        }
        if (changedSince != null) {
            request.changedSince(instant("--changed-since", changedSince));
        }
        Path outDir = database.exportsDir();
        javax.sql.DataSource db = database.open();
        if (template != null) {
            request.template(org.smsexport.jdbc.JdbcTemplateStore.withPrefix(db, org.smsexport.support.OwnTables.prefix(DatabaseOptions.environment)).find(TemplateCommand.OWNER, template)
                    .orElseThrow(() -> new org.smsexport.InvalidRequestException("No template '" + template
                            + "'. 'sms-export template list' shows them.")));
        }
        ExportRequest built = request.build();
        ExportType exportType = builtInType(built.type());
        JdbcDataSource source = database.source(db);
        Path created = DatabaseOptions.firstMissing(outDir);
        ExportOutcome outcome;
        Map<String, Object> r;
        ExportService.Builder builder = database.service(db).dataSource(source);
        Long max = maxRecords != null ? maxRecords : DatabaseOptions.environment.containsKey("EXPORT_MAX_RECORDS") ? null : 0L;
        if (max != null) {
            builder.maxRecords(max);
        }
        try (ExportService exports = builder.build()) {
            // every check before the first row: request, then database
            exports.validate(built);
            source.check(exportType);
            if (notify != null) {
                mailWarning().ifPresent(w -> err.println("warning: --notify " + notify + ": nothing will be sent: " + w));
            }
            outcome = runWithProgress(exports, built, err);
            r = result(outcome, exports.storage());
        } catch (RuntimeException e) {
            DatabaseOptions.removeIfCreated(outDir, created);
            throw e;
        }
        if (json) {
            printJson(out, r);
        } else {
            Table.print(out, List.of(r));
            for (String w : outcome.job().warnings()) {
                err.println("warning: " + w);
            }
        }
        if (!ok(outcome)) {
            err.println("error: " + outcome.job().errorMessage().orElse(outcome.job().status().id()));
            return Main.FAILED;
        }
        return 0;
    }

    /** @return why mail would not be sent with the environment's settings, if it would not */
    static java.util.Optional<String> mailWarning() {
        org.smsexport.mail.MailConfig mail = org.smsexport.mail.MailConfig.from(DatabaseOptions.environment);
        if (!mail.enabled()) {
            return java.util.Optional.of("ENABLE_EMAIL_NOTIFICATIONS is not true");
        }
        if (!mail.isEnabled()) {
            return java.util.Optional.of(String.join("; ", mail.problems()));
        }
        return java.util.Optional.empty();
    }
}
