package org.smsexport;

import java.nio.file.Path;
import java.util.Objects;

/** How an export ended: {@link Completed}, {@link Failed} or {@link Cancelled}. */
public sealed interface ExportOutcome {

    /** @return the final job record */
    ExportJob job();

    /**
     * The file is published.
     *
     * @param job  the final job record
     * @param file the published file; with a storage other than the output directory (S3), the path it was written
     *             to before it was uploaded, which no longer exists: read it with {@code ExportService.open(id)} or
     *             {@code content(id)}
     */
    record Completed(ExportJob job, Path file) implements ExportOutcome {
        /** Checks for nulls. */
        public Completed {
            Objects.requireNonNull(job, "job");
            Objects.requireNonNull(file, "file");
        }
    }

    /**
     * The export failed; nothing was published.
     *
     * @param job   the final job record (its error message says why)
     * @param error the error
     */
    record Failed(ExportJob job, ExportException error) implements ExportOutcome {
        /** Checks for nulls. */
        public Failed {
            Objects.requireNonNull(job, "job");
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * The export was cancelled; nothing was published.
     *
     * @param job the final job record
     */
    record Cancelled(ExportJob job) implements ExportOutcome {
        /** Checks for nulls. */
        public Cancelled {
            Objects.requireNonNull(job, "job");
        }
    }
}
