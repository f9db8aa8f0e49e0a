package org.smsexport.spi;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smsexport.ExportFormat;

/**
 * Writes one file format. Implementations are stateless and thread-safe: one instance serves concurrent
 * exports. Register an implementation in {@code META-INF/services/org.smsexport.spi.Exporter} and with
 * {@code provides org.smsexport.spi.Exporter with …} in {@code module-info.java}, and run the test kit's
 * {@code ExporterContract} against it.
 */
public interface Exporter {

    /** @return the format written: id, file extension, media type */
    ExportFormat format();

    /**
     * The option keys this exporter understands (e.g. {@code delimiter}, {@code bom}); requests with other
     * keys are rejected before a job is created. By default, the keys of {@link #optionSpecs()}: an exporter that
     * describes its options need not list them again.
     *
     * @return accepted option keys
     */
    default Set<String> options() {
        return optionSpecs().stream().map(OptionSpec::key).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * What each option is, for a form to offer it: kind, choices, default and labels in each language
     * ({@link OptionSpec}). None by default; an exporter that lists only its {@link #options()} keys is described by
     * {@link OptionSpec#describe(Exporter)} with free-text options.
     *
     * @return one description per option key, in the order to offer them
     */
    default List<OptionSpec> optionSpecs() {
        return List.of();
    }

    /**
     * Checks option values before a job is created.
     *
     * @param options the request's options; keys are among {@link #options()}
     * @throws org.smsexport.InvalidRequestException naming the bad option, its value and the valid choices
     */
    default void validateOptions(Map<String, String> options) {
    }

    /**
     * The published file's extension for these options, when they change what is written (an encrypted CSV is
     * a ZIP: {@code csv.zip}).
     *
     * @param options the request's options, already validated
     * @return the extension, without a leading dot; {@code format().extension()} by default
     */
    default String extension(Map<String, String> options) {
        return format().extension();
    }

    /**
     * Whether this exporter's reading thread does little but read the cursor, handing rows to another thread
     * that formats them (as the CSV exporter does). The engine then reads a {@link DataSource#readAhead()} source
     * on that thread directly: a read-ahead thread in front would be one more busy thread and one more hand-off
     * per row, for nothing.
     *
     * <p>A hint, with a stable meaning: it changes how the engine schedules threads, never what is written. The engine
     * may ignore it; an exporter must be correct either way (its cursor is always used by one thread at a time).
     *
     * @return {@code false} by default
     */
    default boolean readsOnItsOwnThread() {
        return false;
    }

    /**
     * Writes every row of {@code rows} to {@code out}, streaming: memory use must not grow with the number
     * of rows. Calls {@link ExportContext#progress(long)} at least every few thousand rows and at the end,
     * and {@link ExportContext#checkCancelled()} as often. Must not close {@code out} (flushing is fine).
     *
     * @param schema  the columns, their localized labels, locale, zone, title
     * @param rows    the rows; the caller closes the cursor
     * @param out     where to write; the caller owns and closes it
     * @param context progress, cancellation, options and warnings
     * @throws IOException when writing fails
     * @throws org.smsexport.ExportCancelledException when the export was cancelled
     */
    void write(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context) throws IOException;

    /**
     * The caller's stream for libraries that close what they are given (a {@code ZipOutputStream}, OpenPDF's
     * writer): writes pass straight through, {@code close()} only flushes, so {@link #write} can leave
     * {@code out} open as it must.
     *
     * @param out the stream {@link #write} was given
     * @return a stream over it that never closes it
     */
    static OutputStream keepingOpen(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
