package org.smsexport.jdbc;

import java.nio.file.Path;
import java.time.Duration;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import org.smsexport.test.SlowDataSource;

/**
 * One node of {@link ProcessClusterTest}, in a JVM of its own: runs queued jobs from the shared PostgreSQL until it
 * is killed. Its students come one every 20 ms (2 s a job), so a job is still running when the test kills the node.
 */
public final class ClusterNode {

    private ClusterNode() {
    }

    /** @param args JDBC URL, output directory, node name */
    public static void main(String[] args) throws Exception {
        javax.sql.DataSource db = JdbcDataSource.driverManager(args[0], "postgres", "");
        try (ExportService node = ExportService.builder().dataSource(SlowDataSource.of(ExportType.STUDENTS, ExportType.STUDENTS, 100,
                Duration.ofMillis(20))).jobStore(JdbcJobStore.create(db)).outputDirectory(Path.of(args[1])).workers(2).nodeName(args[2])
                .queuePoll(Duration.ofMillis(100)).heartbeatInterval(Duration.ofMillis(300)).recoveryGrace(Duration.ofSeconds(3))
                .discovery(true).build()) {
            System.out.println("READY " + node.config().nodeName());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
