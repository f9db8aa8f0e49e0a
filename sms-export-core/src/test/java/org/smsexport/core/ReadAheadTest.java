package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportFormat;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportQuery;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.JobStatus;
import org.smsexport.sample.SmsData;
import org.smsexport.csv.CsvExporter;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.ExportContext;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.RowCursor;

/** Sources that ask for read-ahead are read on their own thread, with the same rows, errors and cancels. */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadAheadTest {

    @TempDir
    Path dir;

    /** Generated students; can fail at a row; records whether its cursor was closed and by which thread. */
    static final class Source implements DataSource {
        final long rows;
        final long failAt;
        final boolean readAhead;
        final AtomicBoolean closed = new AtomicBoolean();
        volatile String closedBy;

        Source(long rows, long failAt, boolean readAhead) {
            this.rows = rows;
            this.failAt = failAt;
            this.readAhead = readAhead;
        }

        @Override
        public List<ExportType> types() {
            return List.of(ExportType.STUDENTS);
        }

        @Override
        public boolean readAhead() {
            return readAhead;
        }

        @Override
        public OptionalLong count(ExportQuery q) {
            return OptionalLong.of(rows);
        }

        @Override
        public RowCursor open(ExportQuery q) {
            RowCursor c = SmsData.standard().cursor(ExportType.STUDENTS, rows);
            return new RowCursor() {
                long n;

                @Override
                public boolean next() {
                    if (n++ == failAt) {
                        throw new IllegalStateException("connection reset");
                    }
                    return c.next();
                }

                @Override
                public Object get(int column) {
                    return c.get(column);
                }

                @Override
                public void close() {
                    closed.set(true);
                    closedBy = Thread.currentThread().getName();
                }
            };
        }
    }

    /** CSV as an exporter that formats on the thread that reads would write it: the engine reads ahead of it. */
    static final class InlineCsv implements Exporter {
        private final CsvExporter csv = new CsvExporter();

        @Override
        public ExportFormat format() {
            return new ExportFormat("csv-inline", "csv", "text/csv");
        }

        @Override
        public void write(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context) throws IOException {
            csv.write(schema, rows, out, context);
        }
    }

    private ExportOutcome run(Source source, Path out) {
        return run(source, out, "csv-inline");
    }

    private ExportOutcome run(Source source, Path out, String format) {
        try (ExportService exports = ExportService.builder().dataSource(source).exporter(new InlineCsv()).outputDirectory(out)
                .maxRecords(0).build()) {
            return exports.run(ExportRequest.builder().type("students").format(format).build());
        }
    }

    @Test
    void anExporterThatReadsOnItsOwnThreadIsNotReadAheadOf() {
        Source ahead = new Source(10_000, -1, true);
        ExportOutcome csv = run(ahead, dir.resolve("c"), "csv");
        assertThat(csv.job().totalRecords()).isEqualTo(10_000);
        assertThat(new CsvExporter().readsOnItsOwnThread()).isEqualTo(Runtime.getRuntime().availableProcessors() > 1);
        if (new CsvExporter().readsOnItsOwnThread()) {
            assertThat(ahead.closedBy).as("the thread that ran the export closed the cursor").doesNotStartWith("sms-export-reader-");
        }
    }

    @Test
    void writesExactlyTheSameFileAsReadingInline() throws Exception {
        ExportOutcome inline = run(new Source(10_000, -1, false), dir.resolve("a"));
        Source ahead = new Source(10_000, -1, true);
        ExportOutcome read = run(ahead, dir.resolve("b"));
        assertThat(read.job().sha256()).isEqualTo(inline.job().sha256());
        assertThat(read.job().totalRecords()).isEqualTo(10_000);
        assertThat(ahead.closed).isTrue();
        assertThat(ahead.closedBy).startsWith("sms-export-reader-");
    }

    @Test
    void aSourceErrorOnTheReaderThreadFailsTheJobClearly() {
        Source failing = new Source(10_000, 3_000, true);
        ExportOutcome outcome = run(failing, dir);
        assertThat(outcome.job().status()).isEqualTo(JobStatus.FAILED);
        assertThat(outcome.job().errorMessage().orElseThrow()).contains("connection reset");
        assertThat(failing.closed).isTrue();
        assertThat(Fixtures.files(dir)).isEmpty();
    }

    @Test
    void cancellingStopsTheReaderAndClosesTheSource() throws Exception {
        Source slow = new Source(50_000_000, -1, true);
        try (ExportService exports = ExportService.builder().dataSource(slow).exporter(new InlineCsv()).outputDirectory(dir)
                .maxRecords(0).build()) {
            ExportJob job = exports.submit(ExportRequest.builder().type("students").format("csv-inline").build());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (exports.job(job.id()).orElseThrow().totalRecords() < 20_000) {
                assertThat(System.nanoTime()).as("20,000 rows read within 30 s").isLessThan(end);
                Thread.sleep(10);
            }
            exports.cancel(job.id());
            assertThat(exports.completion(job.id()).get(30, TimeUnit.SECONDS).job().status()).isEqualTo(JobStatus.CANCELLED);
        }
        assertThat(slow.closed).isTrue();
        assertThat(Fixtures.files(dir)).isEmpty();
    }
}
