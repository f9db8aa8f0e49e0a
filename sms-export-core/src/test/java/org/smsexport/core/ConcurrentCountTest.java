package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportQuery;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.JobStatus;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.RowCursor;

/** The count runs beside the export: it still stops an export over the limit, and a count that fails still fails it. */
class ConcurrentCountTest {

    @TempDir
    Path dir;

    /** Students whose count answers only when told to, or fails. */
    static final class SlowCount implements DataSource {
        final long rows;
        final CountDownLatch answer = new CountDownLatch(1);
        final boolean fail;
        final AtomicLong pulled = new AtomicLong();

        SlowCount(long rows, boolean fail) {
            this.rows = rows;
            this.fail = fail;
        }

        @Override
        public List<ExportType> types() {
            return List.of(ExportType.STUDENTS);
        }

        @Override
        public OptionalLong count(ExportQuery q) {
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (fail) {
                throw new IllegalStateException("count timed out on the replica");
            }
            return OptionalLong.of(rows);
        }

        @Override
        public RowCursor open(ExportQuery q) {
            RowCursor c = SmsData.standard().cursor(ExportType.STUDENTS, rows);
            return new RowCursor() {
                @Override
                public boolean next() {
                    if (pulled.incrementAndGet() == 20_000) {
                        answer.countDown(); // the count answers while the rows stream
                    }
                    return c.next();
                }

                @Override
                public Object get(int column) {
                    return c.get(column);
                }

                @Override
                public void close() {
                    c.close();
                }
            };
        }
    }

    @Test
    void aCountOverTheLimitStopsTheExportWhileItStreams() {
        SlowCount source = new SlowCount(2_000_000, false);
        try (ExportService exports = ExportService.builder().dataSource(source).outputDirectory(dir).maxRecords(1_500_000).build()) {
            ExportOutcome outcome = exports.run(ExportRequest.builder().type("students").format("csv").build());
            assertThat(outcome.job().status()).isEqualTo(JobStatus.FAILED);
            assertThat(outcome.job().errorMessage().orElseThrow()).contains("would hold 2,000,000 records, over the limit of 1,500,000");
            assertThat(source.pulled.get()).as("rows read before the count stopped the export").isLessThan(1_000_000);
            assertThat(Fixtures.files(dir)).isEmpty();
        }
    }

    @Test
    void aCountThatFailsFailsTheExportEvenWhenTheRowsAreAllWritten() {
        SlowCount source = new SlowCount(20_000, true);
        try (ExportService exports = ExportService.builder().dataSource(source).outputDirectory(dir).build()) {
            ExportOutcome outcome = exports.run(ExportRequest.builder().type("students").format("csv").build());
            assertThat(outcome.job().status()).isEqualTo(JobStatus.FAILED);
            assertThat(outcome.job().errorMessage().orElseThrow()).contains("count timed out on the replica");
            assertThat(Fixtures.files(dir)).isEmpty();
        }
    }
}
