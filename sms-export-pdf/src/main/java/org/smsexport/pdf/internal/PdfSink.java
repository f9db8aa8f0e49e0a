package org.smsexport.pdf.internal;

import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfContentByte;
import com.lowagie.text.pdf.PdfTemplate;
import com.lowagie.text.pdf.PdfWriter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sink that writes through OpenPDF: it registers the glyphs each page uses for the font subsets,
 * appends the page's ready-made content stream, adds the shared "total pages" and "row count" templates,
 * and lets OpenPDF deflate and write the page. Only its thread touches the OpenPDF objects once started.
 */
final class PdfSink extends PageSink {

    private static final Pattern FONT_NAME = Pattern.compile("/(\\S+) [0-9.]+ Tf");

    private final Document document;
    private final PdfWriter writer;
    private final BaseFont regular;
    private final BaseFont bold;
    private final float footerSize;
    private final float metaSize;
    private final String regularName;
    private final String boldName;
    private PdfTemplate totalPages;
    private PdfTemplate rowCount;
    private int pages;

    PdfSink(Rectangle pageSize, OutputStream out, BaseFont regular, BaseFont bold, float footerSize, float metaSize,
            String title, byte[] userPassword, byte[] ownerPassword) throws DocumentException {
        this.regular = regular;
        this.bold = bold;
        this.footerSize = footerSize;
        this.metaSize = metaSize;
        document = new Document(pageSize, 0, 0, 0, 0);
        writer = PdfWriter.getInstance(document, out);
        writer.setCompressionLevel(1);
        if (userPassword != null) {
            writer.setEncryption(userPassword, ownerPassword, PdfWriter.ALLOW_PRINTING, PdfWriter.ENCRYPTION_AES_256_V3);
        }
        document.addTitle(title);
        document.addCreator("sms-export");
        document.open();
        regularName = resourceName(regular);
        boldName = resourceName(bold);
    }

    /** The name a font has in page resources ("F1"), read back from what OpenPDF writes for it. */
    private String resourceName(BaseFont font) {
        PdfContentByte probe = new PdfContentByte(writer);
        probe.beginText();
        probe.setFontAndSize(font, 10);
        probe.endText();
        Matcher m = FONT_NAME.matcher(new String(probe.getInternalBuffer().toByteArray(), StandardCharsets.ISO_8859_1));
        if (!m.find()) {
            throw new IllegalStateException("OpenPDF wrote no font operator: " + probe);
        }
        return m.group(1);
    }

    @Override
    String regularName() {
        return regularName;
    }

    @Override
    String boldName() {
        return boldName;
    }

    @Override
    protected void close() {
        fill(totalPages, regular, footerSize, Integer.toString(pages));
        fill(rowCount, regular, metaSize, rowCountText);
        document.close();
    }

    @Override
    protected void writePage(Page page) {
        if (page.number() > 1) {
            document.newPage();
        }
        pages = page.number();
        PdfContentByte scratch = new PdfContentByte(writer);
        scratch.beginText();
        scratch.setFontAndSize(regular, 10);
        if (!page.newRegular().isEmpty()) {
            scratch.showText(page.newRegular());
        }
        scratch.setFontAndSize(bold, 10);
        if (!page.newBold().isEmpty()) {
            scratch.showText(page.newBold());
        }
        scratch.endText();
        PdfContentByte cb = writer.getDirectContent();
        if (totalPages == null) {
            totalPages = cb.createTemplate(footerSize * 8, footerSize * 2);
            rowCount = cb.createTemplate(metaSize * 12, metaSize * 2);
        }
        cb.getInternalBuffer().append(page.content());
        cb.addTemplate(totalPages, page.totalX(), page.totalY() - footerSize / 2);
        if (page.number() == 1) {
            cb.addTemplate(rowCount, page.rowsX(), page.rowsY() - metaSize / 2);
        }
    }

    private static void fill(PdfTemplate template, BaseFont font, float size, String text) {
        template.beginText();
        template.setFontAndSize(font, size);
        template.setTextMatrix(0, size / 2);
        template.showText(text);
        template.endText();
    }
}
