package org.smsexport.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar sms-export.jar <command>}: {@code demo} builds a sample database and exports it to every
 * format; {@code export} runs one export from any JDBC database. Exit codes: 0 success, 1 the export
 * failed or was cancelled, 2 bad input.
 */
@Command(name = "sms-export", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Exports Student Management System data to CSV, XLSX and PDF as tracked jobs, now or on a schedule.",
        subcommands = {DemoCommand.class, ExportCommand.class, JobsCommand.class, AuditCommand.class, StatsCommand.class, SlowestCommand.class, CleanupCommand.class, ServeCommand.class,
            ScheduleCommand.class, SchedulerCommand.class, TemplateCommand.class, SchemaCommand.class, WorkerCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** Exit code of a failed or cancelled export. */
    static final int FAILED = 1;
    /** Exit code of bad input. */
    static final int BAD_INPUT = 2;

    private Main() {
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        // before the first logger exists: WARN by default, more with --verbose
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // H2's AUTO_SERVER listens for the other processes on one file: on loopback, never on every interface
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs a command line with the given streams, without exiting (for tests and embedding).
     *
     * @param out  standard output
     * @param err  error output
     * @param args the command line
     * @return the exit code
     */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + Messages.commandLine(e.getMessage()));
            // the whole command path: 'sms-export template add --help', not 'sms-export add --help'
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            boolean verbose = parsed.hasMatchedOption("--verbose");
            err.println("error: " + Messages.oneLine(e));
            if (verbose) {
                e.printStackTrace(err);
            }
            return e instanceof org.smsexport.ExportException || e instanceof IllegalArgumentException ? BAD_INPUT : FAILED;
        });
        int code;
        try {
            code = cli.execute(args);
        } finally {
            Common.closed();
        }
        out.flush();
        err.flush();
        return code;
    }

    /** Reads the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"sms-export " + (v == null ? "development build" : v)};
        }
    }
}
