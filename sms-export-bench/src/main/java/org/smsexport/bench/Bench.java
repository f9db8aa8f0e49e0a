package org.smsexport.bench;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar sms-export-bench.jar compare|memory|scaling|jdbc|jmh}: measures sms-export against the raw
 * libraries, side by side in one JVM, and reports ratios (the machine is shared and noisy; absolute numbers
 * move, ratios measured in one run hold).
 */
@Command(name = "sms-export-bench", mixinStandardHelpOptions = true,
        description = "Measure sms-export side by side with the raw libraries.",
        subcommands = {CompareCommand.class, MemoryCommand.class, ScalingCommand.class, JdbcCommand.class, JmhCommand.class, ReportCommand.class, SmallJobsCommand.class})
public final class Bench {

    private Bench() {
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        CommandLine cli = new CommandLine(new Bench());
        cli.setOut(new PrintWriter(System.out, true));
        System.exit(cli.execute(args));
    }
}
