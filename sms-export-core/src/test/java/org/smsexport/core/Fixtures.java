package org.smsexport.core;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.smsexport.ExportFormat;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.ExportContext;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.RowCursor;

/** Shared test doubles and helpers: real files, real CSV reader, data sources that pause or fail on cue. */
final class Fixtures {

    private Fixtures() {
    }

    static List<Object[]> rows(ExportType type, int n) {
        List<Object[]> rows = new ArrayList<>();
        SmsData.standard().rows(type, n).forEachRemaining(rows::add);
        return rows;
    }

    static InMemoryDataSource memory(int studentsCount) {
        return InMemoryDataSource.builder()
                .rows(ExportType.STUDENTS, rows(ExportType.STUDENTS, studentsCount))
                .rows(ExportType.COURSES, rows(ExportType.COURSES, 40))
                .rows(ExportType.GRADES, rows(ExportType.GRADES, 500))
                .rows(ExportType.ENROLLMENTS, rows(ExportType.ENROLLMENTS, 100))
                .rows(ExportType.ATTENDANCE, rows(ExportType.ATTENDANCE, 100))
                .build();
    }

    static List<List<String>> readCsv(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            List<List<String>> out = new ArrayList<>();
            for (CsvRecord r : CsvReader.builder().ofCsvRecord(text)) {
                out.add(r.getFields());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file name in a directory, temp files included, the metrics file excluded. */
    static List<String> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("metrics.jsonl") && !n.equals("audit.jsonl")
                    && !n.startsWith(".audit-")).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Students from the generator; pauses before row {@code pauseAt} until released, then goes on. Can
     * hide its count (to test sources that cannot count) and slow each row down.
     */
    static final class PausingSource implements DataSource {
        final long total;
        final boolean countable;
        final long nanosPerRow;
        /** Held before row pauseAt + 1 until released; none when it never pauses. */
        private final org.smsexport.test.GatedDataSource gated;

        PausingSource(long total, long pauseAt, boolean countable, long nanosPerRow) {
            this.total = total;
            this.countable = countable;
            this.nanosPerRow = nanosPerRow;
            this.gated = pauseAt < 0 ? null : org.smsexport.test.GatedDataSource.before(this::rows, pauseAt + 1);
        }

        @Override
        public List<ExportType> types() {
            return List.of(ExportType.STUDENTS);
        }

        @Override
        public OptionalLong count(ExportQuery query) {
            return countable ? OptionalLong.of(total) : OptionalLong.empty();
        }

        @Override
        public RowCursor open(ExportQuery query) {
            return gated != null ? gated.open(query) : rows(query);
        }

        private RowCursor rows(ExportQuery query) {
            long limit = query.limit().orElse(Long.MAX_VALUE);
            RowCursor rows = SmsData.standard().cursor(ExportType.STUDENTS, Math.min(total, limit));
            return new RowCursor() {
                @Override
                public boolean next() {
                    if (nanosPerRow > 0) {
                        long until = System.nanoTime() + nanosPerRow;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                    return rows.next();
                }

                @Override
                public Object get(int column) {
                    return rows.get(column);
                }

                @Override
                public void close() {
                    rows.close();
                }
            };
        }

        void release() {
            gated.open();
        }

        void awaitPause() throws InterruptedException {
            if (!gated.awaitReached(java.time.Duration.ofSeconds(30))) {
                throw new AssertionError("the source never reached its pause");
            }
        }
    }

    /** A format that writes some bytes and then fails, or throws an unexpected error. */
    static final class BrokenExporter implements Exporter {
        final RuntimeException unexpected;

        BrokenExporter(RuntimeException unexpected) {
            this.unexpected = unexpected;
        }

        @Override
        public ExportFormat format() {
            return new ExportFormat("broken", "bin", "application/octet-stream");
        }

        @Override
        public void write(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context) throws IOException {
            out.write(new byte[100_000]);
            while (rows.next()) {
                out.write(1);
            }
            if (unexpected != null) {
                throw unexpected;
            }
            throw new IOException("device exploded");
        }
    }
}
