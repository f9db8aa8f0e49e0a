package org.smsexport.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code small-jobs}: many small CSV exports through PostgreSQL's job store, one node and three worker processes. */
@Command(name = "small-jobs", mixinStandardHelpOptions = true, description = "Many small exports (30 rows) on PostgreSQL's job store: "
        + "jobs per second on one node and on three worker processes, p50/p95 from submit to COMPLETED.")
final class SmallJobsCommand implements Callable<Integer> {

    @Option(names = "--jobs", defaultValue = "2000", description = "Exports submitted at once (default ${DEFAULT-VALUE}).")
    int jobs;

    @Override
    public Integer call() throws Exception {
        System.out.println(new ObjectMapper().writeValueAsString(SmallJobs.measure(jobs)));
        return 0;
    }
}
