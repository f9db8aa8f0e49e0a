package org.smsexport.pdf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureElement;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureNode;
import org.apache.pdfbox.pdmodel.documentinterchange.markedcontent.PDMarkedContent;
import org.apache.pdfbox.text.PDFMarkedContentExtractor;
import org.apache.pdfbox.text.TextPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smsexport.Column;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.RowCursor;
import org.smsexport.test.RecordingContext;
import org.verapdf.pdfa.flavours.PDFAFlavour;

/**
 * Accessible and archival reports as the PDF Association's validator (veraPDF) and PDFBox see them: PDF/UA-1 for
 * {@code accessible}, PDF/A-2u for {@code archival}, PDF/A-2a and PDF/UA-1 for both, for every built-in type in English
 * and Greek, with one row and with 50,000; the structure tree holds the same table as the page, in reading order.
 */
class PdfConformanceTest {

    private static final Map<String, String> ACCESSIBLE = Map.of("accessible", "true");
    private static final Map<String, String> ARCHIVAL = Map.of("archival", "true");
    private static final Map<String, String> BOTH = Map.of("accessible", "true", "archival", "true");
    private static final ExportType NOTES = ExportType.builder("notes")
            .columns(Column.integer("id"), Column.text("name"), Column.text("note"))
            .build();

    private static byte[] export(ExportType type, Locale locale, Iterator<Object[]> rows, Map<String, String> options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PdfExporter().write(ExportSchema.of(type, locale, ZoneId.of("Europe/Athens"), Instant.parse("2026-01-31T10:30:00Z"),
                Map.of("status", "active")), RowCursor.of(rows), out, RecordingContext.of(options));
        return out.toByteArray();
    }

    private static byte[] export(ExportType type, Locale locale, int rows, Map<String, String> options) throws IOException {
        return export(type, locale, SmsData.standard().rows(type, rows), options);
    }

    static Stream<Arguments> typesAndLanguages() {
        return ExportType.builtIns().stream()
                .flatMap(t -> Stream.of(Arguments.of(t.name(), Locale.ENGLISH), Arguments.of(t.name(), Locale.forLanguageTag("el"))));
    }

    private static ExportType type(String id) {
        return ExportType.builtIns().stream().filter(t -> t.name().equals(id)).findFirst().orElseThrow();
    }

    private static void assertConforms(byte[] file, PDFAFlavour... flavours) throws Exception {
        assertThat(VeraPdf.failures(file, flavours)).as("rules of %s the file breaks", List.of(flavours)).isEmpty();
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("typesAndLanguages")
    void everyTypeInEveryLanguageConforms(String id, Locale locale) throws Exception {
        ExportType type = type(id);
        assertConforms(export(type, locale, 1, ACCESSIBLE), PDFAFlavour.PDFUA_1);
        assertConforms(export(type, locale, 1, ARCHIVAL), PDFAFlavour.PDFA_2_U);
        assertConforms(export(type, locale, 120, BOTH), PDFAFlavour.PDFUA_1, PDFAFlavour.PDFA_2_A);
    }

    /**
     * A long report: the structure tree across a thousand pages, PDF/UA-1. veraPDF reads 50,000 tagged rows for about
     * two minutes a flavour, so this validates the one that checks the structure; PDF/A-2a is validated on the reports of
     * every type above (and here too when {@code pdf.conformance.rows} asks for 10,000 or fewer), and PDF/A-2u on the
     * same long report written archival alone (below).
     */
    @Test
    void fiftyThousandRowsConform() throws Exception {
        int rows = Integer.getInteger("pdf.conformance.rows", 50_000);
        byte[] file = export(ExportType.GRADES, Locale.forLanguageTag("el"), rows, BOTH);
        if (rows > 10_000) {
            assertConforms(file, PDFAFlavour.PDFUA_1);
        } else {
            assertConforms(file, PDFAFlavour.PDFUA_1, PDFAFlavour.PDFA_2_A);
        }
        try (PDDocument doc = PdfFiles.load(file, null)) {
            assertThat(doc.getNumberOfPages()).as("%d rows of about 50 a page", rows).isGreaterThan(rows / 60);
            assertThat(taggedTable(doc)).as("header row and every row tagged").hasSize(rows + 1);
        }
    }

    /** The long report archival alone: untagged, PDF/A-2u across a thousand pages. */
    @Test
    void fiftyThousandRowsArchivalAloneConform() throws Exception {
        int rows = Integer.getInteger("pdf.conformance.rows", 50_000);
        assertConforms(export(ExportType.GRADES, Locale.forLanguageTag("el"), rows, ARCHIVAL), PDFAFlavour.PDFA_2_U);
    }

    @Test
    void rightToLeftTextAndEmptyCellsConform() throws Exception {
        List<Object[]> rows = List.of(new Object[] {1L, "שלום עולם (מבחן)", "مرحبا بالعالم"}, new Object[] {2L, null, ""},
                new Object[] {3L, "abc עברית def", "الطالب محمد أحمد في الصف الثالث ".repeat(8).strip()});
        byte[] file = export(NOTES, Locale.ENGLISH, rows.iterator(), BOTH);
        assertConforms(file, PDFAFlavour.PDFUA_1, PDFAFlavour.PDFA_2_A);
        try (PDDocument doc = PdfFiles.load(file, null)) {
            List<List<String>> table = taggedTable(doc);
            assertThat(table.get(1)).as("right-to-left text reads in logical order (ActualText)")
                    .containsExactly("1", "שלום עולם (מבחן)", "مرحبا بالعالم");
            assertThat(table.get(2)).as("empty cells are empty TD").containsExactly("2", "", "");
            assertThat(table.get(3).get(2)).as("a cut right-to-left value: its start, then …").endsWith("…")
                    .startsWith("\uFE8D\uFEDF\uFEC4"); // "الطالب" as printed (joined forms), not in visual order
        }
    }

    @Test
    void theStructureTreeHoldsTheTableOfThePageInReadingOrder() throws Exception {
        int total = 200;
        byte[] file = export(ExportType.STUDENTS, Locale.forLanguageTag("el"), total, ACCESSIBLE);
        List<List<String>> seen = PdfFiles.read(file, null);
        try (PDDocument doc = PdfFiles.load(file, null)) {
            List<List<String>> tagged = taggedTable(doc);
            assertThat(tagged).as("header row + rows, from THead/TBody/TR/TH/TD").hasSize(total + 1);
            for (int r = 0; r <= total; r++) {
                List<String> visible = seen.get(r).stream().map(s -> s.replace(" ", "")).collect(Collectors.toList());
                List<String> fromTags = tagged.get(r).stream().map(s -> s.replace(" ", "")).collect(Collectors.toList());
                assertThat(fromTags).as("row %d as tagged equals row %d as printed", r, r).isEqualTo(visible);
            }
            PDStructureElement document = (PDStructureElement) doc.getDocumentCatalog().getStructureTreeRoot().getKids().get(0);
            assertThat(document.getStructureType()).isEqualTo("Document");
            assertThat(document.getKids()).extracting(k -> ((PDStructureElement) k).getStructureType())
                    .containsExactly("H1", "P", "P", "P", "Table");
            assertThat(text(doc, (PDStructureElement) document.getKids().get(0))).isEqualTo("Αναφορά Εξαγωγής Φοιτητών");
            assertThat(text(doc, (PDStructureElement) document.getKids().get(3)).replaceAll("\\s+", " "))
                    .as("the row count's P, number included").isEqualTo("Γραμμές: 200");
            PDStructureElement th = (PDStructureElement) ((PDStructureElement) ((PDStructureElement) table(doc).getKids().get(0))
                    .getKids().get(0)).getKids().get(0);
            assertThat(th.getStructureType()).isEqualTo("TH");
            assertThat(th.getCOSObject().getCOSDictionary(COSName.A).getNameAsString("Scope")).isEqualTo("Column");

            assertThat(doc.getDocumentCatalog().getLanguage()).isEqualTo("el");
            assertThat(doc.getDocumentCatalog().getViewerPreferences().displayDocTitle()).isTrue();
            assertThat(doc.getDocumentCatalog().getMarkInfo().isMarked()).isTrue();
            String xmp = new String(doc.getDocumentCatalog().getMetadata().toByteArray(), StandardCharsets.UTF_8);
            assertThat(xmp).contains("<rdf:li xml:lang=\"x-default\">Αναφορά Εξαγωγής Φοιτητών</rdf:li>", "<pdfuaid:part>1</pdfuaid:part>")
                    .doesNotContain("pdfaid:part");
            assertThat(doc.getDocumentInformation().getTitle()).isEqualTo("Αναφορά Εξαγωγής Φοιτητών");

            // page 2: the repeated header and the footer are artifacts, the rows are TD
            Map<String, List<String>> page2 = markedContent(doc, doc.getPage(1));
            assertThat(page2.get("Artifact")).as("artifacts of page 2").anySatisfy(t -> assertThat(t).contains("Αριθμός"))
                    .anySatisfy(t -> assertThat(t).contains("Σελίδα 2"));
            assertThat(page2.get("TD")).as("page 2 rows are cells").isNotEmpty();
            assertThat(page2.get("TH")).as("no header cells after page 1").isNull();
        }
    }

    @Test
    void readingOrderIsHeaderThenEachRowsCells() throws Exception {
        byte[] file = export(ExportType.COURSES, Locale.ENGLISH, 3, ACCESSIBLE);
        try (PDDocument doc = PdfFiles.load(file, null)) {
            String text = PdfFiles.pageTexts(doc).get(0);
            List<String> labels = ExportType.COURSES.columnLabels(Locale.ENGLISH);
            int lastHeader = labels.stream().mapToInt(l -> text.indexOf(l.split(" ")[0])).max().orElseThrow();
            assertThat(labels).allSatisfy(l -> assertThat(text).contains(l.split(" ")[0]));
            List<Object[]> rows = new ArrayList<>();
            SmsData.standard().rows(ExportType.COURSES, 3).forEachRemaining(rows::add);
            int previous = lastHeader;
            for (Object[] row : rows) {
                int at = text.indexOf(row[1].toString(), previous);
                assertThat(at).as("row %s after the header and the row before", row[1]).isGreaterThan(previous);
                previous = at;
            }
        }
    }

    @Test
    void archivalAloneIsUntaggedPdfA2u() throws Exception {
        byte[] file = export(ExportType.COURSES, Locale.ENGLISH, 30, ARCHIVAL);
        try (PDDocument doc = PdfFiles.load(file, null)) {
            assertThat(doc.getDocumentCatalog().getStructureTreeRoot()).isNull();
            assertThat(doc.getDocumentCatalog().getOutputIntents()).singleElement()
                    .satisfies(i -> assertThat(i.getOutputConditionIdentifier()).isEqualTo("sRGB IEC61966-2.1"));
            String xmp = new String(doc.getDocumentCatalog().getMetadata().toByteArray(), StandardCharsets.UTF_8);
            assertThat(xmp).contains("<pdfaid:part>2</pdfaid:part>", "<pdfaid:conformance>U</pdfaid:conformance>");
        }
        assertThat(PdfFiles.read(file, null)).hasSize(31);
    }

    @Test
    void aPasswordIsRefusedWithArchivalAndAccessibleSayingWhy() {
        assertThatThrownBy(() -> new PdfExporter().validateOptions(Map.of("archival", "true", "password", "s3cret")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("PDF/A forbids encryption");
        assertThatThrownBy(() -> new PdfExporter().validateOptions(Map.of("accessible", "true", "password", "s3cret")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'accessible=true'");
        assertThatThrownBy(() -> new PdfExporter().validateOptions(Map.of("accessible", "yes")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'yes'").hasMessageContaining("true");
    }

    private static PDStructureElement table(PDDocument doc) {
        PDStructureElement document = (PDStructureElement) doc.getDocumentCatalog().getStructureTreeRoot().getKids().get(0);
        return (PDStructureElement) document.getKids().get(document.getKids().size() - 1);
    }

    /** The table as its structure elements hold it: THead's row, then every TBody's rows, each cell's text. */
    private static List<List<String>> taggedTable(PDDocument doc) throws IOException {
        Map<PDPage, Map<Integer, String>> texts = new LinkedHashMap<>();
        List<List<String>> rows = new ArrayList<>();
        for (Object part : table(doc).getKids()) {
            PDStructureElement section = (PDStructureElement) part;
            assertThat(section.getStructureType()).isIn("THead", "TBody");
            for (Object tr : section.getKids()) {
                PDStructureElement row = (PDStructureElement) tr;
                assertThat(row.getStructureType()).isEqualTo("TR");
                List<String> cells = new ArrayList<>();
                for (Object cell : row.getKids()) {
                    PDStructureElement c = (PDStructureElement) cell;
                    assertThat(c.getStructureType()).isEqualTo(section.getStructureType().equals("THead") ? "TH" : "TD");
                    cells.add(text(doc, c, texts));
                }
                rows.add(cells);
            }
        }
        return rows;
    }

    private static String text(PDDocument doc, PDStructureElement element) throws IOException {
        return text(doc, element, new LinkedHashMap<>());
    }

    /** An element's text: its marked content on its page, or its ActualText, joined. */
    private static String text(PDDocument doc, PDStructureElement element, Map<PDPage, Map<Integer, String>> cache) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Object kid : element.getKids()) {
            if (kid instanceof Integer mcid) {
                PDPage page = element.getPage();
                Map<Integer, String> byId = cache.get(page);
                if (byId == null) {
                    byId = byMcid(doc, page);
                    cache.put(page, byId);
                }
                b.append(b.length() == 0 ? "" : " ").append(byId.getOrDefault(mcid, ""));
            } else if (kid instanceof PDStructureNode) {
                throw new AssertionError("a cell holds an element: " + kid);
            }
        }
        return b.toString().strip();
    }

    private static Map<Integer, String> byMcid(PDDocument doc, PDPage page) throws IOException {
        PDFMarkedContentExtractor extractor = new PDFMarkedContentExtractor();
        extractor.processPage(page);
        Map<Integer, String> byId = new LinkedHashMap<>();
        collect(extractor.getMarkedContents(), byId);
        return byId;
    }

    private static void collect(List<PDMarkedContent> contents, Map<Integer, String> byId) {
        for (PDMarkedContent mc : contents) {
            if (mc.getMCID() >= 0) {
                String actual = mc.getActualText();
                byId.merge(mc.getMCID(), actual != null ? actual : glyphs(mc), (a, b) -> a + b);
            }
        }
    }

    private static String glyphs(PDMarkedContent mc) {
        StringBuilder b = new StringBuilder();
        for (Object o : mc.getContents()) {
            if (o instanceof TextPosition t) {
                b.append(t.getUnicode());
            } else if (o instanceof PDMarkedContent inner) {
                b.append(glyphs(inner));
            }
        }
        return b.toString();
    }

    /** A page's marked-content sequences by tag: the text of each. */
    private static Map<String, List<String>> markedContent(PDDocument doc, PDPage page) throws IOException {
        PDFMarkedContentExtractor extractor = new PDFMarkedContentExtractor();
        extractor.processPage(page);
        Map<String, List<String>> byTag = new LinkedHashMap<>();
        for (PDMarkedContent mc : extractor.getMarkedContents()) {
            byTag.computeIfAbsent(mc.getTag(), k -> new ArrayList<>()).add(glyphs(mc));
        }
        return byTag;
    }
}
