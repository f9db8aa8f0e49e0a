package org.smsexport.pdf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.smsexport.Column;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.RowCursor;
import org.smsexport.test.RecordingContext;
import org.smsexport.test.ServiceRegistrations;

/** What a PDF report looks like, read back with PDFBox: pages, header, footer, title block, fonts, password. */
class PdfExporterTest {

    private static final Instant GENERATED = Instant.parse("2026-01-31T10:30:00Z");
    private static final ZoneId ATHENS = ZoneId.of("Europe/Athens");
    private static final ExportType NOTES = ExportType.builder("notes")
            .columns(Column.integer("id"), Column.text("name"), Column.text("note"))
            .build();

    private final PdfExporter exporter = new PdfExporter();

    private byte[] export(ExportType type, Locale locale, Map<String, String> filters, Iterator<Object[]> rows,
            RecordingContext context) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exporter.write(ExportSchema.of(type, locale, ATHENS, GENERATED, filters), RowCursor.of(rows), out, context);
        return out.toByteArray();
    }

    private byte[] export(ExportType type, List<Object[]> rows, Map<String, String> options) throws IOException {
        return export(type, Locale.ENGLISH, Map.of(), rows.iterator(), RecordingContext.of(options));
    }

    private static List<String> sortedPageTexts(PDDocument doc) throws IOException {
        List<String> pages = new ArrayList<>();
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setSortByPosition(true);
        for (int p = 1; p <= doc.getNumberOfPages(); p++) {
            stripper.setStartPage(p);
            stripper.setEndPage(p);
            pages.add(stripper.getText(doc));
        }
        return pages;
    }

    @Test
    void everyPageHasTheHeaderAndAFooterWithTheRightPageCount() throws Exception {
        int total = 1000;
        byte[] file = export(ExportType.STUDENTS, Locale.ENGLISH, Map.of("status", "active", "study_year", "2"),
                SmsData.standard().rows(ExportType.STUDENTS, total), RecordingContext.of(Map.of()));
        List<List<String>> table = PdfFiles.read(file, null);
        assertThat(table).hasSize(total + 1);
        try (PDDocument doc = PdfFiles.load(file, null)) {
            int pages = doc.getNumberOfPages();
            assertThat(pages).as("1,000 rows of about 45 per page").isBetween(18, 30);
            List<List<PdfFiles.Glyph>> glyphs = PdfFiles.glyphs(doc);
            List<String> texts = sortedPageTexts(doc);
            for (int p = 0; p < pages; p++) {
                PDPage page = doc.getPage(p);
                PdfFiles.Table t = PdfFiles.table(glyphs.get(p), PdfFiles.grid(page), page.getMediaBox().getHeight());
                assertThat(t.header()).as("header on page %d", p + 1).isEqualTo(ExportType.STUDENTS.columnLabels(Locale.ENGLISH));
                assertThat(texts.get(p)).as("footer of page %d", p + 1)
                        .contains("Page " + (p + 1) + " of " + pages).contains("Student Export Report");
            }
            assertThat(texts.get(0)).contains("Student Export Report", "Generated: 2026-01-31 12:30:00 +02:00 (Europe/Athens)",
                    "Filters: status = active; study_year = 2", "Rows: 1,000");
            assertThat(texts.get(1)).doesNotContain("Generated:");
        }
        // the rows come back exactly, Greek names included
        Iterator<Object[]> expected = SmsData.standard().rows(ExportType.STUDENTS, total);
        int greek = 0;
        for (int r = 1; r <= total; r++) {
            Object[] row = expected.next();
            assertThat(table.get(r).get(1)).isEqualTo(row[1]);
            assertThat(table.get(r).get(2)).isEqualTo(row[2]);
            assertThat(table.get(r).get(3)).isEqualTo(row[3]);
            if (((String) row[2]).matches(".*\\p{IsGreek}.*")) {
                greek++;
            }
        }
        assertThat(greek).as("Greek first names checked").isGreaterThan(100);
    }

    @Test
    void printsGreekLabelsAndTextsInAGreekReport() throws Exception {
        byte[] file = export(ExportType.STUDENTS, Locale.forLanguageTag("el"), Map.of(), List.<Object[]>of().iterator(),
                RecordingContext.of(Map.of()));
        try (PDDocument doc = PdfFiles.load(file, null)) {
            String text = sortedPageTexts(doc).get(0);
            assertThat(text).contains("Αναφορά Εξαγωγής Φοιτητών", "Δημιουργήθηκε: 2026-01-31 12:30:00 +02:00",
                    "Φίλτρα: κανένα", "Γραμμές: 0", "Σελίδα 1 από 1");
        }
        assertThat(PdfFiles.read(file, null).get(0)).isEqualTo(ExportType.STUDENTS.columnLabels(Locale.forLanguageTag("el")));
    }

    @Test
    void formatsValuesForReadingInTheReportsLanguage() throws Exception {
        ExportType mixed = ExportType.builder("mixed").columns(Column.decimal("grade", 2), Column.bool("passed"),
                Column.dateTime("submitted"), Column.date("day"), Column.integer("id")).build();
        List<Object[]> rows = List.<Object[]>of(new Object[] {new java.math.BigDecimal("17.5"), true,
            Instant.parse("2026-01-31T10:30:00Z"), java.time.LocalDate.of(2026, 1, 31), 1234567L});
        byte[] greek = export(mixed, Locale.forLanguageTag("el"), Map.of(), rows.iterator(), RecordingContext.of(Map.of()));
        assertThat(PdfFiles.read(greek, null).get(1)).containsExactly("17,50", "Ναι", "2026-01-31 12:30:00", "2026-01-31", "1234567");
        byte[] english = export(mixed, Locale.ENGLISH, Map.of(), rows.iterator(), RecordingContext.of(Map.of()));
        assertThat(PdfFiles.read(english, null).get(1)).containsExactly("17.50", "Yes", "2026-01-31 12:30:00", "2026-01-31", "1234567");
    }

    @Test
    void oneRowAndZeroRowReportsAreValidSinglePages() throws Exception {
        for (int rows = 0; rows <= 1; rows++) {
            byte[] file = export(ExportType.GRADES, Locale.ENGLISH, Map.of(), SmsData.standard().rows(ExportType.GRADES, rows),
                    RecordingContext.of(Map.of()));
            assertThat(new String(file, 0, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
            try (PDDocument doc = PdfFiles.load(file, null)) {
                assertThat(doc.getNumberOfPages()).isEqualTo(1);
                assertThat(sortedPageTexts(doc).get(0)).contains("Grade Export Report", "Rows: " + rows, "Page 1 of 1");
            }
            assertThat(PdfFiles.read(file, null)).hasSize(rows + 1);
        }
    }

    @Test
    void cutsLongTextInsideItsColumnWithAnEllipsisAndSaysSo() throws Exception {
        String words = "Σημείωση για τον φοιτητή με πολύ μεγάλο κείμενο που δεν χωράει ".repeat(40);
        String unbroken = "x".repeat(5000);
        List<Object[]> rows = List.<Object[]>of(new Object[] {1L, "Ελένη", words}, new Object[] {2L, unbroken, "short"},
                new Object[] {3L, "Νίκος", "ok"});
        RecordingContext context = RecordingContext.of(Map.of());
        byte[] file = export(NOTES, Locale.ENGLISH, Map.of(), rows.iterator(), context);
        // PdfFiles.read fails if any glyph crosses its column's grid line
        List<List<String>> back = PdfFiles.read(file, null);
        assertThat(back.get(1).get(2)).endsWith("…").hasSizeLessThan(words.length());
        assertThat(words).startsWith(back.get(1).get(2).substring(0, back.get(1).get(2).length() - 1));
        assertThat(back.get(2).get(1)).endsWith("…").startsWith("xxxx");
        assertThat(back.get(3)).containsExactly("3", "Νίκος", "ok");
        assertThat(context.warnings()).anySatisfy(w -> assertThat(w).contains("'note'", "1 value"))
                .anySatisfy(w -> assertThat(w).contains("'name'"))
                .allSatisfy(w -> assertThat(w).doesNotContain("Σημείωση", "xxx"));
    }

    @Test
    void headerLabelsGetTheirWidthBeforeFreeSpaceIsHandedOut() throws Exception {
        for (Locale locale : List.of(Locale.ENGLISH, Locale.forLanguageTag("el"))) {
            // each type in its default orientation (landscape over 6 columns) and in landscape
            for (String orientation : List.of("default", "landscape")) {
                for (ExportType type : ExportType.builtIns()) {
                    List<Object[]> rows = new ArrayList<>();
                    SmsData.standard().rows(type, 30).forEachRemaining(rows::add);
                    RecordingContext context = RecordingContext.of(orientation.equals("default") ? Map.of()
                            : Map.of("orientation", orientation));
                    byte[] file = export(type, locale, Map.of(), rows.iterator(), context);
                    assertThat(PdfFiles.read(file, null).get(0)).as("%s %s %s", type.name(), locale, orientation)
                            .containsExactlyElementsOf(type.columnLabels(locale));
                    assertThat(context.warnings()).as("%s %s %s", type.name(), locale, orientation)
                            .noneSatisfy(w -> assertThat(w).contains("header"));
                }
            }
        }
        // more columns than a page can label: the headers are cut, visibly, and the job says which
        List<Column> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(Column.text("column_number_" + i));
        }
        ExportType wide = ExportType.builder("wide").columns(many.toArray(Column[]::new)).build();
        RecordingContext context = RecordingContext.of(Map.of());
        byte[] file = export(wide, Locale.ENGLISH, Map.of(), List.<Object[]>of(new Object[40]).iterator(), context);
        assertThat(PdfFiles.read(file, null).get(0)).anySatisfy(h -> assertThat(h).endsWith("…"));
        assertThat(context.warnings()).anySatisfy(w -> assertThat(w).contains("header of column 'column_number_0'",
                "(Column number 0)"));
    }

    @Test
    void printsCharactersTheFontLacksAsReplacementCharactersAndWarns() throws Exception {
        RecordingContext context = RecordingContext.of(Map.of());
        byte[] file = export(NOTES, Locale.ENGLISH, Map.of(), List.<Object[]>of(new Object[] {1L, "中文 Ελένη", "Дмитрий Ёлкин Łódź"})
                .iterator(), context);
        List<List<String>> back = PdfFiles.read(file, null);
        assertThat(back.get(1)).containsExactly("1", "\uFFFD\uFFFD Ελένη", "Дмитрий Ёлкин Łódź");
        assertThat(context.warnings()).singleElement().asString().contains("'name'", "\uFFFD");
    }

    @Test
    void drawsRightToLeftTextInVisualOrderWithArabicLettersJoined() throws Exception {
        String hebrew = "שלום עולם (מבחן)";
        String arabic = "مرحبا بالعالم";
        String longArabic = "الطالب محمد أحمد في الصف الثالث ".repeat(8).strip();
        List<Object[]> rows = List.<Object[]>of(new Object[] {1L, hebrew, arabic}, new Object[] {2L, "abc עברית def", longArabic});
        byte[] file = export(NOTES, rows, Map.of());
        try (PDDocument doc = PdfFiles.load(file, null)) {
            PDPage page = doc.getPage(0);
            PdfFiles.Grid grid = PdfFiles.grid(page);
            List<List<PdfFiles.Glyph>> lines = PdfFiles.lines(PdfFiles.glyphs(doc).get(0), PdfFiles.BODY);
            List<PdfFiles.Glyph> first = lines.get(1);
            String drawnHebrew = PdfFiles.text(first.stream().filter(g -> g.x() > grid.columns()[1] && g.x() < grid.columns()[2]).toList());
            // drawn right to left: the last letter leftmost, brackets mirrored so they still enclose the word
            assertThat(drawnHebrew).isEqualTo("(ןחבמ) םלוע םולש");
            String drawnArabic = PdfFiles.text(first.stream().filter(g -> g.x() > grid.columns()[2]).toList());
            assertThat(drawnArabic.chars()).as("joined forms (presentation forms B)").allMatch(c -> c == ' ' || c >= 0xFE70 && c <= 0xFEFF);
            float right = grid.columns()[3];
            PdfFiles.Glyph last = first.get(first.size() - 1);
            assertThat(right - (last.x() + last.width())).as("right-to-left text is right-aligned").isLessThan(4f);
        }
        List<List<String>> back = PdfFiles.read(file, null);
        assertThat(back.get(1)).containsExactly("1", hebrew, arabic);
        assertThat(back.get(2).get(1)).isEqualTo("abc עברית def");
        // cut at its logical end: the start of the sentence is kept
        assertThat(back.get(2).get(2)).endsWith("…");
        assertThat(longArabic).startsWith(back.get(2).get(2).substring(0, back.get(2).get(2).length() - 1));
    }

    @Test
    void embedsDejaVuSansAsSubsets() throws Exception {
        List<Object[]> rows = new ArrayList<>();
        SmsData.standard().rows(ExportType.STUDENTS, 50).forEachRemaining(rows::add);
        byte[] file = export(ExportType.STUDENTS, rows, Map.of());
        try (PDDocument doc = PdfFiles.load(file, null)) {
            List<String> names = new ArrayList<>();
            for (org.apache.pdfbox.cos.COSName name : doc.getPage(0).getResources().getFontNames()) {
                PDFont font = doc.getPage(0).getResources().getFont(name);
                assertThat(font.isEmbedded()).as("%s embedded", font.getName()).isTrue();
                names.add(font.getName());
            }
            assertThat(names).anySatisfy(n -> assertThat(n).matches("[A-Z]{6}\\+DejaVuSans"))
                    .anySatisfy(n -> assertThat(n).matches("[A-Z]{6}\\+DejaVuSans-Bold"));
        }
        assertThat(file.length).as("subset fonts keep a small report small").isLessThan(150_000);
    }

    @Test
    void passwordProtectedReportsNeedThePasswordAndAllowPrintingOnly() throws Exception {
        List<Object[]> rows = List.<Object[]>of(new Object[] {1L, "Γιώργος", "σημείωση"});
        byte[] file = export(NOTES, rows, Map.of("password", "s3cret-Ω"));
        assertThatThrownBy(() -> PdfFiles.load(file, null).close()).isInstanceOf(InvalidPasswordException.class);
        assertThatThrownBy(() -> PdfFiles.load(file, "wrong").close()).isInstanceOf(InvalidPasswordException.class);
        try (PDDocument doc = PdfFiles.load(file, "s3cret-Ω")) {
            assertThat(doc.isEncrypted()).isTrue();
            AccessPermission permission = doc.getCurrentAccessPermission();
            assertThat(permission.isOwnerPermission()).isFalse();
            assertThat(permission.canPrint()).isTrue();
            assertThat(permission.canModify()).isFalse();
            assertThat(permission.canExtractContent()).isFalse();
        }
        assertThat(PdfFiles.read(file, "s3cret-Ω").get(1)).containsExactly("1", "Γιώργος", "σημείωση");

        byte[] owned = export(NOTES, rows, Map.of("password", "reader", "owner_password", "principal"));
        try (PDDocument doc = PdfFiles.load(owned, "principal")) {
            assertThat(doc.getCurrentAccessPermission().isOwnerPermission()).isTrue();
        }
    }

    @Test
    void choosesOrientationFromTheColumnCountUnlessTold() throws Exception {
        assertThat(mediaBox(export(ExportType.STUDENTS, List.of(), Map.of()))).satisfies(
                box -> assertThat(box.getWidth()).isCloseTo(842f, org.assertj.core.data.Offset.offset(1f)));
        assertThat(mediaBox(export(NOTES, List.of(), Map.of()))).satisfies(
                box -> assertThat(box.getWidth()).isCloseTo(595f, org.assertj.core.data.Offset.offset(1f)));
        PDRectangle letter = mediaBox(export(NOTES, List.of(), Map.of("page_size", "Letter", "orientation", "landscape")));
        assertThat(letter.getWidth()).isEqualTo(792f);
        assertThat(letter.getHeight()).isEqualTo(612f);
    }

    private static PDRectangle mediaBox(byte[] file) throws IOException {
        try (PDDocument doc = PdfFiles.load(file, null)) {
            return doc.getPage(0).getMediaBox();
        }
    }

    @Test
    void rejectsBadOptionsNamingValueAndChoices() {
        assertThatThrownBy(() -> exporter.validateOptions(Map.of("page_size", "a3", "orientation", "sideways")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'a3'").hasMessageContaining("[a4, letter]")
                .hasMessageContaining("'sideways'").hasMessageContaining("[auto, portrait, landscape]");
        assertThatThrownBy(() -> exporter.validateOptions(Map.of("owner_password", "x")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("needs option 'password'");
        assertThatThrownBy(() -> exporter.validateOptions(Map.of("password", "")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'password'");
    }

    @Test
    void aFailingStreamFailsTheExportAndStopsTheWriterThread() {
        OutputStream broken = new OutputStream() {
            private long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 200_000) {
                    throw new IOException("No space left on device");
                }
            }
        };
        assertThatThrownBy(() -> exporter.write(ExportSchema.of(ExportType.STUDENTS, Locale.ENGLISH, ATHENS, GENERATED, Map.of()),
                SmsData.standard().cursor(ExportType.STUDENTS, 200_000), broken, RecordingContext.of(Map.of())))
                .isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
        assertThat(Thread.getAllStackTraces().keySet()).noneSatisfy(t -> assertThat(t.getName()).startsWith("sms-export-pdf-"));
    }

    @Test
    void registersItselfForBothClassPathAndModulePath() {
        ServiceRegistrations.assertConsistent(PdfExporter.class);
    }
}
