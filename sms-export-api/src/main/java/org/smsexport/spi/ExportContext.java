package org.smsexport.spi;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.OptionalLong;
import org.smsexport.ExportCancelledException;
import org.smsexport.JobId;

/**
 * What an {@link Exporter} may ask of the engine while it writes: options, progress, cancellation and
 * warnings. Used by the one thread that runs the export.
 */
public interface ExportContext {

    /** @return the job being written */
    JobId jobId();

    /** @return the request's format options, validated by {@link Exporter#validateOptions(Map)} */
    Map<String, String> options();

    /** @return how many rows the export will hold, when the data source could count them */
    OptionalLong expectedRows();

    /**
     * Reports rows written so far. Cheap: call it every few thousand rows and once at the end.
     *
     * @param rowsWritten rows written since the start
     */
    void progress(long rowsWritten);

    /** @return whether the job was cancelled or timed out; exporters stop soon after */
    boolean isCancelled();

    /**
     * @throws ExportCancelledException when {@link #isCancelled()}
     */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new ExportCancelledException("Export " + jobId() + " was cancelled", null, jobId(), null, null);
        }
    }

    /**
     * Records a visible degradation of the output (a cell truncated, a character replaced). Repeated
     * messages are kept once. Never put row contents in a warning.
     *
     * @param message what was degraded and where (column, row number)
     */
    void warn(String message);

    /**
     * Creates an empty work file for this job, readable and writable by its owner only, for exporters that
     * cannot stream straight into the output (an encrypted workbook is built, then encrypted). The exporter
     * deletes it when done, on every path. The service's context puts it in the output directory as a hidden
     * temporary file named after the job, so a process killed mid-export leaves it where recovery deletes
     * it; student data never lands in {@code java.io.tmpdir}. This default, for contexts outside a service
     * (tests, tools), creates it in {@code java.io.tmpdir}.
     *
     * @param suffix the end of the file name, such as {@code ".xlsx"}
     * @return the new, empty file
     * @throws IOException when it cannot be created
     */
    default Path createTempFile(String suffix) throws IOException {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? Files.createTempFile("sms-export-" + jobId() + "-", suffix,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile("sms-export-" + jobId() + "-", suffix);
    }
}
