package org.smsexport.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Runs the JMH benchmarks of this jar; arguments go to JMH ({@code jmh -h} lists them). */
@Command(name = "jmh", description = "Run the JMH benchmarks (cell formatting, escaping, row writing); arguments go to JMH.")
final class JmhCommand implements Callable<Integer> {

    /** Everything after {@code jmh}, e.g. {@code -f 1 -wi 3 -i 5 csv10kRows}. */
    @Unmatched
    java.util.List<String> args = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(args.toArray(new String[0]));
        return 0;
    }
}
