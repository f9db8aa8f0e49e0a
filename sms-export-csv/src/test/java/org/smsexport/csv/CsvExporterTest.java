package org.smsexport.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smsexport.Column;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.RowCursor;
import org.smsexport.test.RecordingContext;
import org.smsexport.test.ServiceRegistrations;

/** What is particular to CSV: bytes on the wire, options, and the rendering of each type. */
class CsvExporterTest {

    private static final ExportType MIXED = ExportType.builder("mixed")
            .columns(Column.text("name"), Column.integer("n"), Column.decimal("grade", 2), Column.date("day"),
                    Column.dateTime("at"), Column.bool("ok"))
            .build();

    private static String write(Map<String, String> options, ZoneId zone, Object[]... rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportSchema schema = ExportSchema.of(MIXED, Locale.ENGLISH, zone, Instant.EPOCH, Map.of());
        new CsvExporter().write(schema, RowCursor.of(List.of(rows)), out, RecordingContext.of(options));
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * While other exports' calling threads hold every core of the JVM, an export's helper thread formats nothing: the
     * calling thread formats every block itself, so two exports never run more busy formatting threads than cores.
     */
    @Test
    void theHelperFormatsOnlyWithACoreOfItsOwn() throws IOException {
        int held = 0;
        while (org.smsexport.support.ExportThreads.claimCore()) {
            held++;
        }
        try {
            long before = CsvExporter.Pipeline.HELPER_BLOCKS.get();
            long[] lines = new long[1];
            java.io.OutputStream out = new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    lines[0] += b == '\n' ? 1 : 0;
                }
            };
            ExportSchema schema = ExportSchema.of(ExportType.STUDENTS, Locale.ENGLISH, ZoneId.of("UTC"), Instant.EPOCH, Map.of());
            new CsvExporter().write(schema, org.smsexport.sample.SmsData.standard().cursor(ExportType.STUDENTS, 20_000), out,
                    RecordingContext.of(Map.of("bom", "false", "header", "false")));
            assertThat(lines[0]).isEqualTo(20_000);
            assertThat(CsvExporter.Pipeline.HELPER_BLOCKS.get()).as("blocks the helper formatted without a core").isEqualTo(before);
        } finally {
            for (int i = 0; i < held; i++) {
                org.smsexport.support.ExportThreads.releaseCore();
            }
        }
        assertThat(org.smsexport.support.ExportThreads.claimCore()).as("every core given back").isTrue();
        org.smsexport.support.ExportThreads.releaseCore();
    }

    @Test
    void warnsWhenUnpairedSurrogatesBecomeReplacementCharacters() throws IOException {
        RecordingContext context = RecordingContext.of(Map.of("bom", "false", "header", "false"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportSchema schema = ExportSchema.of(MIXED, Locale.ENGLISH, ZoneId.of("UTC"), Instant.EPOCH, Map.of());
        List<Object[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            rows.add(new Object[] {i % 1000 == 0 ? "a\uD800b" : "ok \uD83D\uDE00", (long) i, null, null, null, null});
        }
        new CsvExporter().write(schema, RowCursor.of(rows), out, context);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("a\uFFFDb").contains("ok \uD83D\uDE00");
        assertThat(context.warnings()).containsExactly(
                "5 character(s) that UTF-8 cannot hold (unpaired surrogates) were replaced with U+FFFD.");

        RecordingContext clean = RecordingContext.of(Map.of());
        new CsvExporter().write(schema, RowCursor.of(List.<Object[]>of(new Object[] {"Ελένη", 1L, null, null, null, null})),
                new ByteArrayOutputStream(), clean);
        assertThat(clean.warnings()).isEmpty();
    }

    @Test
    void withAPasswordWritesTheCsvInAnAes256ZipThatSevenZipOpens(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String password = "Κωδικός-7z!";
        RecordingContext context = RecordingContext.of(Map.of("password", password));
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                throw new AssertionError("the exporter must not close the caller's stream");
            }
        };
        ExportSchema schema = ExportSchema.of(MIXED, Locale.ENGLISH, ZoneId.of("UTC"), Instant.EPOCH, Map.of());
        List<Object[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            rows.add(new Object[] {"Ελένη " + i, (long) i, 9.5, LocalDate.of(2026, 1, 31), null, true});
        }
        new CsvExporter().write(schema, RowCursor.of(rows), out, context);
        byte[] zip = out.toByteArray();
        assertThat(new String(zip, 0, 2, StandardCharsets.ISO_8859_1)).isEqualTo("PK");
        assertThat(new String(zip, StandardCharsets.ISO_8859_1)).as("nothing readable without the password").doesNotContain("Ελένη")
                .doesNotContain("name,n,grade");
        assertThat(new CsvExporter().extension(Map.of("password", password))).isEqualTo("csv.zip");
        assertThat(new CsvExporter().extension(Map.of())).isEqualTo("csv");

        java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("export.csv.zip"), zip);
        java.nio.file.Path sevenZip = java.nio.file.Path.of("/usr/bin/7z");
        if (!java.nio.file.Files.isExecutable(sevenZip)) {
            assertThat(System.getenv("CI")).as(".ci/run installs p7zip-full").isNull();
            org.junit.jupiter.api.Assumptions.abort("7z is not installed (apt-get install p7zip-full)");
        }
        Process wrong = new ProcessBuilder(sevenZip.toString(), "x", "-y", "-pwrong", "-o" + dir.resolve("wrong"), file.toString())
                .redirectErrorStream(true).start();
        wrong.getInputStream().readAllBytes();
        assertThat(wrong.waitFor()).as("the wrong password opens nothing").isNotZero();
        Process right = new ProcessBuilder(sevenZip.toString(), "x", "-y", "-p" + password, "-o" + dir.resolve("out"), file.toString())
                .redirectErrorStream(true).start();
        String log = new String(right.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(right.waitFor()).as(log).isZero();
        Process list = new ProcessBuilder(sevenZip.toString(), "l", "-slt", "-p" + password, file.toString()).redirectErrorStream(true).start();
        String listing = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor()).isZero();
        assertThat(listing).as("7-Zip's word for the entry's method").contains("Encrypted = +").contains("AES-256");
        List<String> lines = java.nio.file.Files.readAllLines(dir.resolve("out").resolve("mixed_" + context.jobId() + ".csv"));
        assertThat(lines).hasSize(3_001);
        assertThat(lines.get(0)).isEqualTo("\uFEFFName,N,Grade,Day,At,Ok");
        assertThat(lines.get(3_000)).isEqualTo("Ελένη 2999,2999,9.50,2026-01-31,,true");
        assertThat(context.toString()).doesNotContain(password);
    }

    @Test
    void writesBomHeaderAndCrlfByDefault() throws IOException {
        String csv = write(Map.of(), ZoneId.of("UTC"), new Object[] {"Ελένη", 1L, 9.5, LocalDate.of(2026, 1, 31),
            Instant.parse("2026-01-31T10:30:00Z"), true});
        assertThat(csv).isEqualTo("\uFEFFName,N,Grade,Day,At,Ok\r\nΕλένη,1,9.50,2026-01-31,2026-01-31T10:30:00Z,true\r\n");
    }

    @Test
    void writesDateTimesInTheRequestedZone() throws IOException {
        String csv = write(Map.of("bom", "false", "header", "false"), ZoneId.of("Europe/Athens"),
                new Object[] {null, null, null, null, Instant.parse("2026-07-01T10:30:00Z"), null});
        assertThat(csv).isEqualTo(",,,,2026-07-01T13:30:00+03:00,\r\n");
    }

    @Test
    void honoursDelimiterLineEndingAndBomOptions() throws IOException {
        String csv = write(Map.of("delimiter", "semicolon", "line_ending", "lf", "bom", "false"), ZoneId.of("UTC"),
                new Object[] {"a;b", 2L, 2.675, null, null, false});
        assertThat(csv).isEqualTo("Name;N;Grade;Day;At;Ok\n\"a;b\";2;2.68;;;false\n");
        assertThat(CsvFiles.read(csv.getBytes(StandardCharsets.UTF_8), ';').get(1)).containsExactly("a;b", "2", "2.68", "", "", "false");
    }

    @Test
    void keepsNullAndEmptyTextApart() throws IOException {
        String csv = write(Map.of("bom", "false", "header", "false"), ZoneId.of("UTC"),
                new Object[] {"", null, null, null, null, null}, new Object[] {null, null, null, null, null, null});
        assertThat(csv).isEqualTo("\"\",,,,,\r\n,,,,,\r\n");
    }

    @Test
    void guardsFormulasUnlessSwitchedOff() throws IOException {
        Object[] row = {"=cmd|' /C calc'!A0", -3L, -1.5, null, null, null};
        assertThat(write(Map.of("bom", "false", "header", "false"), ZoneId.of("UTC"), row))
                .isEqualTo("'=cmd|' /C calc'!A0,-3,-1.50,,,\r\n");
        assertThat(write(Map.of("bom", "false", "header", "false", "formula_guard", "false"), ZoneId.of("UTC"), row))
                .isEqualTo("=cmd|' /C calc'!A0,-3,-1.50,,,\r\n");
    }

    @Test
    void rejectsBadOptionsListingTheChoices() {
        assertThatThrownBy(() -> new CsvExporter().validateOptions(Map.of("line_ending", "cr")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Option 'line_ending' has value 'cr'; expected one of [crlf, lf].");
        new CsvExporter().validateOptions(Map.of("delimiter", "\t", "bom", "FALSE"));
    }

    /** The blocks formatted on two threads come out in cursor order, whichever thread finishes first. */
    @Test
    void writesBlocksInCursorOrderWhateverThreadFinishesFirst() throws IOException {
        int total = 50_000;
        List<Object[]> rows = new java.util.ArrayList<>();
        String slow = "x".repeat(300);
        for (int i = 0; i < total; i++) {
            // every seventh block is slow to format (long text), so blocks finish out of order
            String name = (i / 1024) % 7 == 3 ? slow : "name " + i;
            rows.add(new Object[] {name, (long) i, null, null, null, null});
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            private int writes;

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                if (++writes % 5 == 0) {
                    Thread.yield();
                }
                super.write(b, off, len);
            }
        };
        RecordingContext context = RecordingContext.of(Map.of("bom", "false", "header", "false", "line_ending", "lf"));
        ExportSchema schema = ExportSchema.of(MIXED, Locale.ENGLISH, ZoneId.of("UTC"), Instant.EPOCH, Map.of());
        new CsvExporter().write(schema, RowCursor.of(rows), out, context);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(total);
        for (int i = 0; i < total; i++) {
            assertThat(lines[i]).as("line %d", i).endsWith("," + i + ",,,,");
        }
        assertThat(context.progressReports()).isSorted().last().isEqualTo((long) total);
    }

    /** A stream that fails part-way, or a cursor that does, fails the export and leaves no exporter thread behind. */
    @Test
    void aFailingStreamOrCursorStopsBothThreads() {
        ExportSchema schema = ExportSchema.of(MIXED, Locale.ENGLISH, ZoneId.of("UTC"), Instant.EPOCH, Map.of());
        List<Object[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            rows.add(new Object[] {"n" + i, (long) i, null, null, null, null});
        }
        java.io.OutputStream failing = new java.io.OutputStream() {
            private long bytes;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                bytes += len;
                if (bytes > 200_000) {
                    throw new IOException("disk full");
                }
            }
        };
        assertThatThrownBy(() -> new CsvExporter().write(schema, RowCursor.of(rows), failing, RecordingContext.of(Map.of())))
                .isInstanceOf(IOException.class).hasMessage("disk full");

        java.util.Iterator<Object[]> it = rows.iterator();
        java.util.Iterator<Object[]> breaking = new java.util.Iterator<>() {
            private int n;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Object[] next() {
                if (++n == 30_000) {
                    throw new IllegalStateException("connection reset");
                }
                return it.next();
            }
        };
        assertThatThrownBy(() -> new CsvExporter().write(schema, RowCursor.of(breaking), new ByteArrayOutputStream(),
                RecordingContext.of(Map.of()))).hasMessage("connection reset");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().contains("csv") && t.isAlive());
    }

    @Test
    void registersItselfForBothClassPathAndModulePath() {
        ServiceRegistrations.assertConsistent(CsvExporter.class);
    }
}
