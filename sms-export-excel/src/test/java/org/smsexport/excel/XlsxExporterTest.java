package org.smsexport.excel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.poi.EncryptedDocumentException;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.apache.poi.xssf.usermodel.XSSFCell;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.smsexport.Column;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.RowCursor;
import org.smsexport.test.RecordingContext;
import org.smsexport.test.ServiceRegistrations;

/** What is particular to XLSX, read back with POI cell by cell. */
class XlsxExporterTest {

    private static byte[] export(XlsxExporter exporter, ExportType type, Locale locale, List<Object[]> rows, org.smsexport.spi.ExportContext ctx)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportSchema schema = ExportSchema.of(type, locale, ZoneId.of("Europe/Athens"), Instant.EPOCH, Map.of());
        exporter.write(schema, RowCursor.of(rows), out, ctx);
        return out.toByteArray();
    }

    private static List<Object[]> rows(ExportType type, int n) {
        List<Object[]> rows = new ArrayList<>();
        SmsData.standard().rows(type, n).forEachRemaining(rows::add);
        return rows;
    }

    private static String rgb(XSSFCellStyle style) {
        return style.getFillForegroundXSSFColor().getARGBHex().substring(2);
    }

    @Test
    void writesAStyledFrozenFilteredHeaderInTheTypesColour() throws IOException {
        Map<ExportType, String> colours = Map.of(ExportType.STUDENTS, "4F46E5", ExportType.COURSES, "059669",
                ExportType.GRADES, "7C3AED");
        for (Map.Entry<ExportType, String> e : colours.entrySet()) {
            byte[] file = export(new XlsxExporter(), e.getKey(), Locale.ENGLISH, rows(e.getKey(), 3), RecordingContext.of(Map.of()));
            try (XSSFWorkbook wb = XlsxFiles.open(file)) {
                XSSFSheet sheet = wb.getSheetAt(0);
                assertThat(sheet.getSheetName()).isEqualTo(e.getKey().label(Locale.ENGLISH));
                XSSFCell first = sheet.getRow(0).getCell(0);
                assertThat(first.getStringCellValue()).isEqualTo("ID");
                assertThat(first.getCellStyle().getFont().getBold()).isTrue();
                assertThat(first.getCellStyle().getFont().getXSSFColor().getARGBHex()).isEqualTo("FFFFFFFF");
                assertThat(rgb(first.getCellStyle())).isEqualTo(e.getValue());
                assertThat(sheet.getPaneInformation().isFreezePane()).isTrue();
                assertThat(sheet.getPaneInformation().getHorizontalSplitPosition()).isEqualTo((short) 1);
                String lastColumn = org.smsexport.excel.internal.SheetXml.columnLetters(e.getKey().columns().size() - 1);
                assertThat(sheet.getCTWorksheet().getAutoFilter().getRef()).isEqualTo("A1:" + lastColumn + "4");
                assertThat(wb.getName("_xlnm._FilterDatabase")).isNotNull();
                assertThat(sheet.getColumnWidth(2)).as("width from header and sample").isGreaterThan(256 * 8);
                assertThat(wb.getProperties().getCoreProperties().getTitle()).isEqualTo(e.getKey().title(Locale.ENGLISH));
                assertThat(wb.getProperties().getCoreProperties().getCreator()).isEqualTo("sms-export");
            }
        }
    }

    @Test
    void printsOnePageWideWithTheHeaderRowOnEveryPageTheTitleAndPageNumbers() throws IOException {
        byte[] wide = export(new XlsxExporter(2), ExportType.STUDENTS, Locale.ENGLISH, rows(ExportType.STUDENTS, 5),
                RecordingContext.of(Map.of()));
        try (XSSFWorkbook wb = XlsxFiles.open(wide)) {
            for (int s = 0; s < wb.getNumberOfSheets(); s++) {
                XSSFSheet sheet = wb.getSheetAt(s);
                assertThat(sheet.getPrintSetup().getLandscape()).as("13 columns: landscape").isTrue();
                assertThat(sheet.getPrintSetup().getPaperSize()).isEqualTo(org.apache.poi.ss.usermodel.PrintSetup.A4_PAPERSIZE);
                assertThat(sheet.getFitToPage()).isTrue();
                assertThat(sheet.getPrintSetup().getFitWidth()).isEqualTo((short) 1);
                assertThat(sheet.getPrintSetup().getFitHeight()).as("as many pages down as needed").isZero();
                assertThat(sheet.getRepeatingRows()).as("header row on every page of sheet %d", s)
                        .isEqualTo(org.apache.poi.ss.util.CellRangeAddress.valueOf("1:1"));
                assertThat(sheet.getHeader().getCenter()).contains("Student Export Report");
                assertThat(sheet.getFooter().getCenter()).isEqualTo("Page &P of &N");
            }
        }
        byte[] narrow = export(new XlsxExporter(), ExportType.ENROLLMENTS, Locale.forLanguageTag("el"), rows(ExportType.ENROLLMENTS, 3),
                RecordingContext.of(Map.of("page_size", "letter")));
        try (XSSFWorkbook wb = XlsxFiles.open(narrow)) {
            XSSFSheet sheet = wb.getSheetAt(0);
            assertThat(sheet.getPrintSetup().getLandscape()).as("7 columns: landscape").isTrue();
            assertThat(sheet.getPrintSetup().getPaperSize()).isEqualTo(org.apache.poi.ss.usermodel.PrintSetup.LETTER_PAPERSIZE);
            assertThat(sheet.getFooter().getCenter()).isEqualTo("Σελίδα &P από &N");
            assertThat(sheet.getHeader().getCenter()).contains(ExportType.ENROLLMENTS.title(Locale.forLanguageTag("el")));
        }
        ExportType two = ExportType.builder("fees").columns(Column.text("who"), Column.decimal("amount", 2)).build();
        byte[] portrait = export(new XlsxExporter(), two, Locale.ENGLISH, List.<Object[]>of(new Object[] {"A & B", 1.5}),
                RecordingContext.of(Map.of()));
        try (XSSFWorkbook wb = XlsxFiles.open(portrait)) {
            assertThat(wb.getSheetAt(0).getPrintSetup().getLandscape()).isFalse();
        }
        byte[] turned = export(new XlsxExporter(), two, Locale.ENGLISH, List.<Object[]>of(), RecordingContext.of(Map.of("orientation", "landscape")));
        try (XSSFWorkbook wb = XlsxFiles.open(turned)) {
            assertThat(wb.getSheetAt(0).getPrintSetup().getLandscape()).isTrue();
        }
        assertThatThrownBy(() -> new XlsxExporter().validateOptions(Map.of("page_size", "a3"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'a3'").hasMessageContaining("[a4, letter]");
    }

    @Test
    void namesTheDefaultCellStyleNormal() throws IOException {
        byte[] file = export(new XlsxExporter(), ExportType.COURSES, Locale.ENGLISH, rows(ExportType.COURSES, 2), RecordingContext.of(Map.of()));
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(new ByteArrayInputStream(file))) {
            String styles = null;
            for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals("xl/styles.xml")) {
                    styles = new String(zip.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            // openpyxl warns "Workbook contains no default style" without it
            assertThat(styles).contains("<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>");
        }
        assertThat(XlsxFiles.read(file)).hasSize(3);
    }

    @Test
    void writesTypedCells() throws IOException {
        List<Object[]> students = rows(ExportType.STUDENTS, 1);
        try (XSSFWorkbook wb = XlsxFiles.open(export(new XlsxExporter(), ExportType.STUDENTS, Locale.ENGLISH, students,
                RecordingContext.of(Map.of())))) {
            var row = wb.getSheetAt(0).getRow(1);
            assertThat(row.getCell(0).getCellType()).isEqualTo(CellType.NUMERIC);
            assertThat(row.getCell(0).getNumericCellValue()).isEqualTo(1.0);
            assertThat(row.getCell(1).getCellType()).as("student_id stays text").isEqualTo(CellType.STRING);
            assertThat(row.getCell(1).getStringCellValue()).isEqualTo("STU000001");
            assertThat(row.getCell(8).getCellType()).isEqualTo(CellType.NUMERIC);
            XSSFCell enrolled = row.getCell(11);
            assertThat(enrolled.getCellStyle().getDataFormatString()).isEqualTo("yyyy-mm-dd");
            assertThat(enrolled.getLocalDateTimeCellValue().toLocalDate()).isEqualTo(students.get(0)[11]);
        }
        List<Object[]> grades = rows(ExportType.GRADES, 1);
        try (XSSFWorkbook wb = XlsxFiles.open(export(new XlsxExporter(), ExportType.GRADES, Locale.ENGLISH, grades,
                RecordingContext.of(Map.of())))) {
            XSSFCell grade = wb.getSheetAt(0).getRow(1).getCell(7);
            assertThat(grade.getCellType()).isEqualTo(CellType.NUMERIC);
            assertThat(grade.getCellStyle().getDataFormatString()).isEqualTo("0.00");
            assertThat(grade.getNumericCellValue()).isEqualTo(((Number) grades.get(0)[7]).doubleValue());
        }
        ExportType flags = ExportType.builder("flags").columns(Column.bool("ok"), Column.dateTime("at")).build();
        try (XSSFWorkbook wb = XlsxFiles.open(export(new XlsxExporter(), flags, Locale.ENGLISH,
                List.<Object[]>of(new Object[] {true, Instant.parse("2026-07-01T10:30:15Z")}), RecordingContext.of(Map.of())))) {
            var row = wb.getSheetAt(0).getRow(1);
            assertThat(row.getCell(0).getBooleanCellValue()).isTrue();
            assertThat(XlsxFiles.text(row.getCell(1))).as("in the export's zone").isEqualTo("2026-07-01T13:30:15");
        }
    }

    @Test
    void namesTheSheetInTheReadersLanguage() throws IOException {
        try (XSSFWorkbook wb = XlsxFiles.open(export(new XlsxExporter(), ExportType.GRADES, Locale.forLanguageTag("el"),
                rows(ExportType.GRADES, 2), RecordingContext.of(Map.of())))) {
            assertThat(wb.getSheetAt(0).getSheetName()).isEqualTo("Βαθμολογίες");
            assertThat(wb.getSheetAt(0).getRow(0).getCell(7).getStringCellValue()).isEqualTo("Βαθμός");
        }
    }

    @Test
    void continuesOnANewSheetWithTheHeaderRepeatedPastTheRowLimit() throws IOException {
        List<Object[]> rows = rows(ExportType.STUDENTS, 7);
        byte[] file = export(new XlsxExporter(3), ExportType.STUDENTS, Locale.ENGLISH, rows, RecordingContext.of(Map.of()));
        try (XSSFWorkbook wb = XlsxFiles.open(file)) {
            assertThat(wb.getNumberOfSheets()).isEqualTo(3);
            assertThat(List.of(wb.getSheetName(0), wb.getSheetName(1), wb.getSheetName(2)))
                    .containsExactly("Students", "Students (2)", "Students (3)");
            for (int s = 0; s < 3; s++) {
                assertThat(wb.getSheetAt(s).getRow(0).getCell(2).getStringCellValue()).isEqualTo("First Name");
            }
            assertThat(wb.getSheetAt(1).getRow(1).getCell(0).getNumericCellValue()).isEqualTo(4.0);
            assertThat(wb.getSheetAt(2).getLastRowNum()).isEqualTo(1);
            assertThat(wb.getSheetAt(2).getCTWorksheet().getAutoFilter().getRef()).isEqualTo("A1:M2");
        }
        assertThat(XlsxFiles.read(file)).hasSize(8);
    }

    @Test
    void cutsOverlongTextVisiblyAndWarns() throws IOException {
        ExportType notes = ExportType.builder("notes").columns(Column.text("note")).build();
        RecordingContext ctx = RecordingContext.of(Map.of());
        StringBuilder text = new StringBuilder();
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        while (text.length() < 40_000) {
            text.append((char) ('Α' + r.nextInt(25))); // varied, so POI's zip-bomb guard does not trip on reading
        }
        String huge = text.toString();
        try (XSSFWorkbook wb = XlsxFiles.open(export(new XlsxExporter(), notes, Locale.ENGLISH,
                List.<Object[]>of(new Object[] {huge}, new Object[] {huge}), ctx))) {
            String cell = wb.getSheetAt(0).getRow(1).getCell(0).getStringCellValue();
            assertThat(cell).hasSize(32_767).endsWith("… [truncated]").startsWith(huge.substring(0, 100));
        }
        assertThat(ctx.warnings()).singleElement().asString()
                .contains("2 cell(s) in column 'note' were longer than Excel's 32767 characters");
    }

    @Test
    void replacesCharactersXmlCannotHoldAndKeepsEverythingElse() throws IOException {
        ExportType notes = ExportType.builder("notes").columns(Column.text("note")).build();
        RecordingContext ctx = RecordingContext.of(Map.of());
        byte[] file = export(new XlsxExporter(), notes, Locale.ENGLISH, List.<Object[]>of(
                new Object[] {"a\u0000b\u0007c"}, new Object[] {"  Ελένη 👩‍🎓 שלום\r\n<&>\"  "}), ctx);
        try (XSSFWorkbook wb = XlsxFiles.open(file)) {
            assertThat(wb.getSheetAt(0).getRow(1).getCell(0).getStringCellValue()).isEqualTo("a\uFFFDb\uFFFDc");
            assertThat(wb.getSheetAt(0).getRow(2).getCell(0).getStringCellValue()).isEqualTo("  Ελένη 👩‍🎓 שלום\r\n<&>\"  ");
        }
        assertThat(ctx.warnings()).singleElement().asString().contains("2 character(s)");
    }

    @Test
    void neutralizesFormulasUnlessSwitchedOff() throws IOException {
        ExportType notes = ExportType.builder("notes").columns(Column.text("note"), Column.integer("n")).build();
        List<Object[]> rows = List.<Object[]>of(new Object[] {"=HYPERLINK(\"http://evil\")", -3L});
        try (XSSFWorkbook wb = XlsxFiles.open(export(new XlsxExporter(), notes, Locale.ENGLISH, rows, RecordingContext.of(Map.of())))) {
            var row = wb.getSheetAt(0).getRow(1);
            assertThat(row.getCell(0).getCellType()).isEqualTo(CellType.STRING);
            assertThat(row.getCell(0).getStringCellValue()).isEqualTo("'=HYPERLINK(\"http://evil\")");
            assertThat(row.getCell(1).getNumericCellValue()).isEqualTo(-3.0);
        }
        try (XSSFWorkbook wb = XlsxFiles.open(export(new XlsxExporter(), notes, Locale.ENGLISH, rows,
                RecordingContext.of(Map.of("formula_guard", "false"))))) {
            var cell = wb.getSheetAt(0).getRow(1).getCell(0);
            assertThat(cell.getCellType()).as("still text, never a formula").isEqualTo(CellType.STRING);
            assertThat(cell.getStringCellValue()).isEqualTo("=HYPERLINK(\"http://evil\")");
        }
    }

    @Test
    void encryptsWithAPasswordAndLeavesNoTemporaryFiles() throws Exception {
        long before = tempFiles();
        byte[] file = export(new XlsxExporter(), ExportType.STUDENTS, Locale.ENGLISH, rows(ExportType.STUDENTS, 20),
                RecordingContext.of(Map.of("password", "Κωδικός-42")));
        assertThat(tempFiles()).isEqualTo(before);
        assertThatThrownBy(() -> WorkbookFactory.create(new ByteArrayInputStream(file)))
                .isInstanceOf(EncryptedDocumentException.class);
        assertThatThrownBy(() -> WorkbookFactory.create(new ByteArrayInputStream(file), "wrong"))
                .isInstanceOf(EncryptedDocumentException.class);
        try (Workbook wb = WorkbookFactory.create(new ByteArrayInputStream(file), "Κωδικός-42")) {
            assertThat(wb.getSheetAt(0).getLastRowNum()).isEqualTo(20);
            assertThat(wb.getSheetAt(0).getRow(1).getCell(1).getStringCellValue()).isEqualTo("STU000001");
        }
    }

    @Test
    void asksTheContextForItsWorkFilesAndDeletesThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path work) throws Exception {
        List<java.nio.file.Path> made = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        RecordingContext recording = RecordingContext.of(Map.of("password", "Κωδικός-42"));
        org.smsexport.spi.ExportContext context = new org.smsexport.spi.ExportContext() {
            @Override
            public org.smsexport.JobId jobId() {
                return recording.jobId();
            }

            @Override
            public Map<String, String> options() {
                return recording.options();
            }

            @Override
            public java.util.OptionalLong expectedRows() {
                return recording.expectedRows();
            }

            @Override
            public void progress(long rowsWritten) {
                recording.progress(rowsWritten);
                // what a crash now would leave on disk: never a clear workbook (a ZIP), only ciphertext
                for (java.nio.file.Path p : made) {
                    try (java.io.InputStream in = java.nio.file.Files.newInputStream(p)) {
                        byte[] head = in.readNBytes(4);
                        seen.add(p.getFileName() + (head.length == 4 && head[0] == 'P' && head[1] == 'K' ? " PLAIN" : " ciphertext"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public void warn(String message) {
                recording.warn(message);
            }

            @Override
            public java.nio.file.Path createTempFile(String suffix) throws java.io.IOException {
                java.nio.file.Path p = java.nio.file.Files.createTempFile(work, ".job", suffix);
                made.add(p);
                return p;
            }
        };
        long before = tempFiles();
        export(new XlsxExporter(), ExportType.STUDENTS, Locale.ENGLISH, rows(ExportType.STUDENTS, 30_000), context);
        assertThat(made).as("the encrypted package and POI's ciphertext work file").hasSize(2);
        assertThat(seen).as("work files looked at while rows were written").isNotEmpty().noneMatch(s -> s.endsWith(" PLAIN"));
        assertThat(made).allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(tempFiles()).as("nothing in java.io.tmpdir").isEqualTo(before);
    }

    @Test
    void removesTemporaryFilesWhenAnEncryptedExportFails() throws Exception {
        long before = tempFiles();
        List<Object[]> rows = new ArrayList<>(rows(ExportType.STUDENTS, 5));
        rows.add(new Object[] {"not a number", null, null, null, null, null, null, null, null, null, null, null, null});
        assertThatThrownBy(() -> export(new XlsxExporter(), ExportType.STUDENTS, Locale.ENGLISH, rows,
                RecordingContext.of(Map.of("password", "secret")))).hasMessageContaining("Column 'id' is integer");
        assertThat(tempFiles()).isEqualTo(before);
    }

    @Test
    void rejectsBadOptionsWithoutEchoingPasswords() {
        assertThatThrownBy(() -> new XlsxExporter().validateOptions(Map.of("formula_guard", "sometimes")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("expected one of [true, false]");
        assertThatThrownBy(() -> new XlsxExporter().validateOptions(Map.of("password", "")))
                .isInstanceOf(InvalidRequestException.class).hasMessage("Option 'password' must be 1 to 255 characters long.");
    }

    @Test
    void makesValidSheetNames() {
        assertThat(XlsxExporter.sheetName("Grades [2025/26]: *final*?", 1)).isEqualTo("Grades _2025_26__ _final__");
        assertThat(XlsxExporter.sheetName("A very long export type label indeed", 12)).hasSize(31).endsWith(" (12)");
    }

    @Test
    void registersItselfForBothClassPathAndModulePath() {
        ServiceRegistrations.assertConsistent(XlsxExporter.class);
    }

    private static long tempFiles() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("sms-export-")).count();
        }
    }

}
