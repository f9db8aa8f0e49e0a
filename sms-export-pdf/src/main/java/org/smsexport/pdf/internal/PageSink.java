package org.smsexport.pdf.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The thread that turns finished pages into PDF objects and writes them, while the building thread goes on
 * with the next page. Pages are handed over through a small bounded queue, so at most a few are in memory.
 * {@link PdfSink} writes through OpenPDF; {@link ConformingSink} writes tagged (PDF/UA) and archival (PDF/A)
 * files itself.
 */
abstract class PageSink {

    /**
     * A finished page: its content stream, the characters it uses for the first time, where the "total pages"
     * and (on page 1) "row count" numbers go, and, in a tagged report, what its marked content belongs to and its
     * structure elements, ready to be written.
     */
    record Page(int number, byte[] content, String newRegular, String newBold, float totalX, float totalY,
            float rowsX, float rowsY, Tags tags, Structure.Stream structure) {
    }

    /**
     * The marked content of a tagged page. Page 1 numbers its title block 0 to {@link #TITLE_BLOCK} - 1 (title,
     * generation time, filters, the row count's label); {@code header} gives each header cell's id on page 1
     * ({@code null} on later pages, where the header is an artifact); {@code cells} each row's cells, row by row,
     * -1 for an empty cell; {@code count} is the number of ids used.
     */
    record Tags(int count, int[] header, int[] cells, int rows) {
        static final int TITLE_BLOCK = 4;
    }

    private static final Page END = new Page(0, new byte[0], "", "", 0, 0, 0, 0, null, null);

    private final BlockingQueue<Page> queue = new ArrayBlockingQueue<>(3);
    private Thread thread;
    private volatile Throwable failure;
    private volatile boolean aborted;
    /** The row count text for page 1, set before the last page is handed over. */
    protected String rowCountText = "";

    /** @return the name of the regular font in page resources */
    abstract String regularName();

    /** @return the name of the bold font in page resources */
    abstract String boldName();

    /** Writes one page; called on the sink's thread, in page order. */
    protected abstract void writePage(Page page) throws Exception;

    /** Ends the document after the last page; called on the sink's thread. */
    protected abstract void close() throws Exception;

    /** Frees what the sink holds outside the heap, whether the document was finished or abandoned. */
    protected void release() {
    }

    /** Starts the thread that turns pages into PDF objects ({@code sms-export-pdf-<n>}). */
    final void start() {
        thread = org.smsexport.support.ExportThreads.start("pdf", this::run);
    }

    /**
     * Hands a page over, waiting while the queue is full.
     *
     * @throws IOException when the sink failed (its cause attached) or the wait was interrupted
     */
    final void put(Page page) throws IOException {
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
     * Ends the document after the last page.
     *
     * @param rows the row count text for the first page
     */
    final void finish(String rows) throws IOException {
        this.rowCountText = rows;
        put(END);
        join();
        rethrow();
    }

    /** Stops without finishing the document (the output is abandoned). */
    final void abort() {
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
            close();
        } catch (InterruptedException e) {
            failure = e;
        } catch (Throwable t) {
            failure = unwrap(t);
        } finally {
            release();
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
}
