package org.smsexport.pdf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smsexport.ExportType;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.RowCursor;
import org.smsexport.test.RecordingContext;
import org.verapdf.pdfa.flavours.PDFAFlavour;

class PdfConformanceTest {

    private static byte[] export(ExportType type, Locale locale, int rows, Map<String, String> options) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PdfExporter().write(ExportSchema.of(type, locale, ZoneId.of("Europe/Athens"), Instant.parse("2026-01-31T10:30:00Z"), Map.of()),
                RowCursor.of(SmsData.standard().rows(type, rows)), out, RecordingContext.of(options));
        return out.toByteArray();
    }

    @Test
    void probe() throws Exception {
        byte[] file = export(ExportType.STUDENTS, Locale.ENGLISH, 100, Map.of("accessible", "true", "archival", "true"));
        Files.write(Path.of("/tmp/probe.pdf"), file);
        assertThat(VeraPdf.failures(file, PDFAFlavour.PDFUA_1)).isEmpty();
        assertThat(VeraPdf.failures(file, PDFAFlavour.PDFA_2_A)).isEmpty();
        byte[] plain = export(ExportType.STUDENTS, Locale.ENGLISH, 100, Map.of());
        System.out.println("PLAIN UA " + VeraPdf.failures(plain, PDFAFlavour.PDFUA_1));
        System.out.println("PLAIN A " + VeraPdf.failures(plain, PDFAFlavour.PDFA_2_U));
        try (org.apache.pdfbox.pdmodel.PDDocument doc = PdfFiles.load(file, null)) {
            javax.imageio.ImageIO.write(new org.apache.pdfbox.rendering.PDFRenderer(doc).renderImageWithDPI(0, 80), "png", new java.io.File("/tmp/probe-1.png"));
            javax.imageio.ImageIO.write(new org.apache.pdfbox.rendering.PDFRenderer(doc).renderImageWithDPI(1, 80), "png", new java.io.File("/tmp/probe-2.png"));
            System.out.println(PdfFiles.pageTexts(doc).get(0).substring(0, 600));
            System.out.println("PAGES " + doc.getNumberOfPages() + " title " + doc.getDocumentInformation().getTitle());
        }
    }
}
