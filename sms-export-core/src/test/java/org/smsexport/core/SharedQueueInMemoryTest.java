package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.JobId;
import org.smsexport.JobStatus;

/** The in-memory store is a shared queue within one process: services on it behave as nodes on a database do. */
class SharedQueueInMemoryTest {

    @TempDir
    Path dir;

    @Test
    void aServiceWithoutWorkersQueuesAndTheOthersRunEachJobOnce() throws Exception {
        InMemoryJobStore store = new InMemoryJobStore();
        InMemoryDataSource data = Fixtures.memory(20);
        try (ExportService front = ExportService.builder().dataSource(data).jobStore(store).outputDirectory(dir).workers(0)
                .nodeName("front").build();
                ExportService a = ExportService.builder().dataSource(data).jobStore(store).outputDirectory(dir).workers(1)
                        .nodeName("a").queuePoll(Duration.ofMillis(20)).build();
                ExportService b = ExportService.builder().dataSource(data).jobStore(store).outputDirectory(dir).workers(1)
                        .nodeName("b").queuePoll(Duration.ofMillis(20)).build()) {
            assertThat(a.config().workers() + b.config().workers()).isEqualTo(2);
            List<JobId> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ids.add(front.submit(ExportRequest.builder().type("students").format("csv").build()).id());
            }
            for (JobId id : ids) {
                ExportOutcome o = front.completion(id).get(30, TimeUnit.SECONDS);
                assertThat(o.job().status()).isEqualTo(JobStatus.COMPLETED);
                assertThat(o.job().node().orElseThrow()).isIn("a", "b");
                assertThat(o.job().attempts()).isEqualTo(1);
            }
            // a node's own submissions start at once, on itself
            ExportOutcome own = a.completion(a.submit(ExportRequest.builder().type("courses").format("csv").build()).id())
                    .get(30, TimeUnit.SECONDS);
            assertThat(own.job().node()).contains("a");
        }
    }
}
