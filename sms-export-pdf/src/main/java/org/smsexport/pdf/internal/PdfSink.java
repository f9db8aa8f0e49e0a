package org.smsexport.pdf.internal;

import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfContentByte;
import com.lowagie.text.pdf.PdfTemplate;
import com.lowagie.text.pdf.PdfWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The thread that owns every OpenPDF object of one report: it registers the glyphs each page uses for
 * the font subsets, appends the page's ready-made content stream, adds the shared "total pages" and
 * "row count" templates, and lets OpenPDF deflate and write the page. The building thread hands pages
 * over through a small bounded queue, so at most a few pages are in memory.
 */
final class PdfSink {

    /** A finished page: its content stream and the characters it uses for the first time. */
    record Page(int number, byte[] content, String newRegular, String newBold, float totalX, float totalY,
            float rowsX, float rowsY) {
    }

    private static final Page END = new Page(0, new byte[0], "", "", 0, 0, 0, 0);
    private static final Pattern FONT_NAME = Pattern.compile("/(\\S+) [0-9.]+ Tf");

    private final Document document;
    private final PdfWriter writer;
    private final BaseFont regular;
    private final BaseFont bold;
    private final float footerSize;
    private final float metaSize;
    private final BlockingQueue<Page> queue = new ArrayBlockingQueue<>(3);
    private final String regularName;
    private final String boldName;
    private PdfTemplate totalPages;
    private PdfTemplate rowCount;
    private Thread thread;
    private volatile Throwable failure;
    private volatile boolean aborted;
    private int pages;
    private String rowCountText = "";

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

    /**
     * Starts the thread that takes the pages; from here on only that thread touches the OpenPDF objects.
     *
     * Starts the thread that turns pages into PDF objects ({@code sms-export-pdf-<n>}).
     */
    void start() {
        thread = org.smsexport.support.ExportThreads.start("pdf", this::run);
    }

    String regularName() {
        return regularName;
    }

    String boldName() {
        return boldName;
    }

    /**
     * Hands a page over, waiting while the queue is full.
     *
     * @throws IOException when the sink failed (its cause attached) or the wait was interrupted
     */
    void put(Page page) throws IOException {
        try {
            while (!queue.offer(page, 50, TimeUnit.MILLISECONDS)) {
                rethrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the PDF");
        }
    }

    /**
     * Ends the document after the last page: fills the templates and closes it.
     *
     * @param rows the row count text for the first page
     */
    void finish(String rows) throws IOException {
        this.rowCountText = rows;
        put(END);
        join();
        rethrow();
    }

    /** Stops without finishing the document (the output is abandoned). */
    void abort() {
        aborted = true;
        queue.clear();
        queue.offer(END);
        try {
            join();
        } catch (IOException e) {
            // the abort's cause is what the caller reports
        }
    }

    private void join() throws IOException {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while finishing the PDF");
        }
    }

    private void rethrow() throws IOException {
        Throwable t = failure;
        if (t instanceof IOException io) {
            throw new IOException("Writing the PDF failed: " + io.getMessage(), io);
        }
        if (t != null) {
            throw new IOException("Writing the PDF failed: " + t, t);
        }
    }

    private void run() {
        try {
            while (true) {
                Page page = queue.take();
                if (aborted) {
                    return;
                }
                if (page == END) {
                    break;
                }
                writePage(page);
            }
            fill(totalPages, regular, footerSize, Integer.toString(pages));
            fill(rowCount, regular, metaSize, rowCountText);
            document.close();
        } catch (InterruptedException e) {
            failure = e;
        } catch (Throwable t) {
            failure = unwrap(t);
        }
    }

    private static Throwable unwrap(Throwable t) {
        // OpenPDF wraps IOExceptions of the stream in its own unchecked exceptions
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return c;
            }
        }
        return t;
    }

    private void writePage(Page page) {
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
