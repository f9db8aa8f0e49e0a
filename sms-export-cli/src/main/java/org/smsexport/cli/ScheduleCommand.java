package org.smsexport.cli;

import java.io.PrintWriter;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.scheduler.ScheduleInfo;
import org.smsexport.scheduler.ScheduleNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code schedule add|list|preview|pause|resume|cancel}: recurring exports kept in the database. */
@Command(name = "schedule", mixinStandardHelpOptions = true, description = "Create, list, preview and cancel scheduled exports "
        + "(kept in the database; 'sms-export scheduler run' runs them).",
        subcommands = {ScheduleCommand.Add.class, ScheduleCommand.ListSchedules.class, ScheduleCommand.Preview.class,
            ScheduleCommand.Pause.class, ScheduleCommand.Resume.class, ScheduleCommand.Cancel.class})
final class ScheduleCommand {

    /** Options every schedule subcommand has. */
    abstract static class Base extends Common implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions database;

        @Override
        public Integer call() throws Exception {
            try (Schedules.Session s = Schedules.manage(database)) {
                return run(s, spec.commandLine().getOut());
            }
        }

        abstract int run(Schedules.Session s, PrintWriter out) throws Exception;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Schedule a recurring export; prints its id.")
    static final class Add extends Base {
        @Option(names = "--template", paramLabel = "NAME", description = "Each run starts from this template as it is then "
                + "('sms-export template list'); --filter and --option given here win.")
        String template;

        @Option(names = "--type", description = "students, courses, grades, enrollments or attendance (required without --template).")
        String type;

        @Option(names = "--format", description = "csv, xlsx or pdf (required without --template).")
        String format;

        @Option(names = "--frequency", required = true, description = "hourly, daily (02:00), weekly (Monday 02:00), monthly "
                + "(1st, 02:00) or \"cron EXPR\" (5 Unix fields, or 6 with seconds first).")
        String frequency;

        @Option(names = "--zone", defaultValue = "UTC", description = "Time zone of the times (default ${DEFAULT-VALUE}).")
        String zone;

        @Option(names = "--filter", paramLabel = "KEY=VALUE", description = "A filter, repeatable: --filter status=active.")
        Map<String, String> filters = new LinkedHashMap<>();

        @Option(names = "--option", paramLabel = "KEY=VALUE", description = "A format option, repeatable: --option delimiter=';' "
                + "(passwords are refused: the database would hold them in clear text).")
        Map<String, String> options = new LinkedHashMap<>();

        @Option(names = "--notify", paramLabel = "EMAIL", description = "Mail each run's outcome here.")
        String notify;

        @Option(names = "--catch-up", defaultValue = "once", description = "Missed slots after downtime: skip, once or all "
                + "(default ${DEFAULT-VALUE}).")
        String catchUp;

        @Option(names = "--owner", defaultValue = "cli", description = "Whose exports they are (default ${DEFAULT-VALUE}).")
        String owner;

        @Option(names = "--delta", description = "Each run exports only what changed since the last successful run (the first is full), "
                + "with a last column, change: upsert or delete.")
        boolean delta;

        @Option(names = "--locale", description = "Language of each run's headers and titles: en or el (default: the template's, "
                + "else en).")
        String locale;

        @Override
        int run(Schedules.Session s, PrintWriter out) {
            org.smsexport.scheduler.ScheduleRequest r = org.smsexport.rest.ScheduleJson.request(owner, type, format, frequency, zone,
                    filters, options, notify, catchUp, template, s.exports().templates()).withDelta(delta)
                    .withLocale(locale == null ? null : java.util.Locale.forLanguageTag(locale));
            String id = s.scheduler().schedule(r);
            ScheduleInfo info = s.scheduler().get(id).orElseThrow();
            if (json) {
                printJson(out, org.smsexport.rest.ScheduleJson.toMap(info));
            } else {
                out.println(id + " (next: " + org.smsexport.rest.ScheduleJson.toMap(info).get("next_fire") + ")");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List schedules with their next fire time.")
    static final class ListSchedules extends Base {
        @Option(names = "--owner", description = "Only this user's schedules.")
        String owner;

        @Override
        int run(Schedules.Session s, PrintWriter out) {
            List<ScheduleInfo> all = owner == null ? s.scheduler().list() : s.scheduler().list(owner);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ScheduleInfo i : all) {
                Map<String, Object> m = org.smsexport.rest.ScheduleJson.toMap(i);
                if (json) {
                    printJson(out, m);
                } else {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", m.get("id"));
                    row.put("frequency", m.get("frequency"));
                    row.put("zone", m.get("zone"));
                    row.put("catch_up", m.get("catch_up"));
                    row.put("next_fire", i.paused() ? "paused" : m.get("next_fire"));
                    row.put("last_run", i.lastRun().map(org.smsexport.rest.ScheduleJson::status).orElse("-"));
                    rows.add(row);
                }
            }
            if (!json) {
                if (rows.isEmpty()) {
                    out.println("No schedules.");
                } else {
                    Table.printRows(out, rows);
                }
            }
            return 0;
        }
    }

    @Command(name = "preview", mixinStandardHelpOptions = true, description = "Show a schedule's next fire times.")
    static final class Preview extends Base {
        @Parameters(paramLabel = "ID", description = "The schedule id.")
        String id;

        @Option(names = "--count", defaultValue = "5", description = "How many (default ${DEFAULT-VALUE}).")
        int count;

        @Override
        int run(Schedules.Session s, PrintWriter out) {
            if (count < 1 || count > 1000) {
                throw new IllegalArgumentException("--count must be 1 to 1000, got " + count);
            }
            List<ZonedDateTime> times = s.scheduler().nextFireTimes(id, count);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", id);
                m.put("next_fire_times", times.stream().map(org.smsexport.rest.ScheduleJson::iso).toList());
                printJson(out, m);
            } else {
                times.forEach(t -> out.println(org.smsexport.rest.ScheduleJson.iso(t) + "  " + t.getDayOfWeek().toString().substring(0, 3).toLowerCase(
                        java.util.Locale.ROOT) + "  " + t.getZone()));
            }
            return 0;
        }
    }

    /** A subcommand that acts on one schedule and says so. */
    abstract static class OnOne extends Base {
        @Parameters(paramLabel = "ID", description = "The schedule id.")
        String id;

        @Override
        int run(Schedules.Session s, PrintWriter out) {
            String done = act(s.scheduler());
            out.println(json ? "{\"id\":\"" + id + "\",\"" + done + "\":true}"
                    : Character.toUpperCase(done.charAt(0)) + done.substring(1) + " " + id);
            return 0;
        }

        /** @return what was done: {@code paused}, {@code resumed}, {@code cancelled} */
        abstract String act(ExportScheduler scheduler);
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop a schedule firing until resumed.")
    static final class Pause extends OnOne {
        @Override
        String act(ExportScheduler scheduler) {
            scheduler.pause(id);
            return "paused";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Make a paused schedule fire again.")
    static final class Resume extends OnOne {
        @Override
        String act(ExportScheduler scheduler) {
            scheduler.resume(id);
            return "resumed";
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Delete a schedule (its past runs stay in the ledger).")
    static final class Cancel extends OnOne {
        @Override
        String act(ExportScheduler scheduler) {
            if (!scheduler.cancel(id)) {
                throw new ScheduleNotFoundException(id);
            }
            return "cancelled";
        }
    }
}
