package org.smsexport.test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongPredicate;
import org.smsexport.JobId;
import org.smsexport.spi.ExportContext;

/**
 * An {@link ExportContext} for tests: records every progress report and warning, and cancels itself once
 * progress reaches a threshold (or when {@link #cancel()} is called). Thread-safe for one writer thread
 * and any number of readers.
 */
public final class RecordingContext implements ExportContext {

    private final JobId jobId = JobId.random();
    private final Map<String, String> options;
    private final OptionalLong expectedRows;
    private final LongPredicate cancelWhen;
    private final List<Long> progress = new ArrayList<>();
    private final Set<String> warnings = new LinkedHashSet<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /**
     * @param options      the format options
     * @param expectedRows the expected row count, or -1 when unknown
     * @param cancelWhen   cancels once it accepts a reported row count
     */
    public RecordingContext(Map<String, String> options, long expectedRows, LongPredicate cancelWhen) {
        this.options = Map.copyOf(options);
        this.expectedRows = expectedRows < 0 ? OptionalLong.empty() : OptionalLong.of(expectedRows);
        this.cancelWhen = cancelWhen;
    }

    /**
     * @param options the format options
     * @return a context that never cancels
     */
    public static RecordingContext of(Map<String, String> options) {
        return new RecordingContext(options, -1, n -> false);
    }

    @Override
    public JobId jobId() {
        return jobId;
    }

    @Override
    public Map<String, String> options() {
        return options;
    }

    @Override
    public OptionalLong expectedRows() {
        return expectedRows;
    }

    @Override
    public synchronized void progress(long rowsWritten) {
        progress.add(rowsWritten);
        if (cancelWhen.test(rowsWritten)) {
            cancelled.set(true);
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Cancels the export. */
    public void cancel() {
        cancelled.set(true);
    }

    @Override
    public synchronized void warn(String message) {
        warnings.add(message);
    }

    /** @return the row counts reported, in order */
    public synchronized List<Long> progressReports() {
        return List.copyOf(progress);
    }

    /** @return the warnings, in order, without repeats */
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }
}
