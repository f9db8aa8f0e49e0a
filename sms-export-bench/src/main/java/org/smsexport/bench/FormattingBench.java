package org.smsexport.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.smsexport.ExportType;
import org.smsexport.csv.CsvExporter;
import org.smsexport.excel.XlsxExporter;
import org.smsexport.support.CellText;
import org.smsexport.spi.ExportSchema;
import org.smsexport.support.FormulaGuard;
import org.smsexport.spi.RowCursor;
import org.smsexport.support.Utf8Writer;
import org.smsexport.test.RecordingContext;

/** JMH benchmarks of the hot spots: cell formatting, UTF-8 encoding, and whole rows through each exporter. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FormattingBench {

    private final StringBuilder sb = new StringBuilder(64);
    private final LocalDate date = LocalDate.of(2026, 1, 31);
    private List<Object[]> students;
    private ExportSchema schema;
    private Utf8Writer utf8;

    /** Generates the rows once. */
    @Setup
    public void setup() {
        students = Workloads.generate(ExportType.STUDENTS, 10_000);
        schema = ExportSchema.of(ExportType.STUDENTS, Locale.ENGLISH, java.time.ZoneOffset.UTC, java.time.Instant.EPOCH, Map.of());
        utf8 = new Utf8Writer(OutputStream.nullOutputStream());
    }

    /** @return a grade with two decimals */
    @Benchmark
    public StringBuilder decimalScale2() {
        sb.setLength(0);
        return CellText.appendDecimal(sb, 87.456, 2);
    }

    /** @return an ISO date */
    @Benchmark
    public StringBuilder isoDate() {
        sb.setLength(0);
        return CellText.appendDate(sb, date);
    }

    /** @return a guarded text cell */
    @Benchmark
    public String formulaGuard() {
        return FormulaGuard.neutralize("=HYPERLINK(\"x\")");
    }

    /** Encodes a Greek name. @throws IOException never */
    @Benchmark
    public void utf8Greek() throws IOException {
        utf8.write("Αναστασία Παπαδοπούλου");
    }

    /** 10,000 student rows to CSV in memory. @throws IOException never */
    @Benchmark
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void csv10kRows() throws IOException {
        new CsvExporter().write(schema, RowCursor.of(students), OutputStream.nullOutputStream(), RecordingContext.of(Map.of()));
    }

    /** 10,000 student rows to XLSX in memory. @throws IOException never */
    @Benchmark
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void xlsx10kRows() throws IOException {
        new XlsxExporter().write(schema, RowCursor.of(students), OutputStream.nullOutputStream(), RecordingContext.of(Map.of()));
    }
}
