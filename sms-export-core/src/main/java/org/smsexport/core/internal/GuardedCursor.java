package org.smsexport.core.internal;

import java.util.OptionalLong;
import org.smsexport.spi.RowCursor;

/**
 * Wraps a data source's cursor: stops at once when the job is cancelled (checked on every row, one volatile
 * read), and enforces the service's record maximum, failing or truncating visibly. Used by one thread.
 */
final class GuardedCursor implements RowCursor {

    private final RowCursor delegate;
    private final RunningJob job;
    private final long max;
    private final boolean truncate;
    private long rows;
    private boolean truncated;

    /**
     * @param delegate the source's cursor
     * @param job      the running job (cancel flag)
     * @param max      the most rows allowed, or {@code Long.MAX_VALUE}
     * @param truncate whether to stop at {@code max} instead of failing
     */
    GuardedCursor(RowCursor delegate, RunningJob job, long max, boolean truncate) {
        this.delegate = delegate;
        this.job = job;
        this.max = max;
        this.truncate = truncate;
    }

    @Override
    public boolean next() {
        job.checkCancelled();
        if (truncated || !advance()) {
            return false;
        }
        if (++rows > max) {
            rows--;
            if (truncate) {
                truncated = true;
                return false;
            }
            // the count runs beside the export: name the number when it has one
            OptionalLong counted = job.awaitCount();
            throw job.overLimit(counted.isPresent() && counted.getAsLong() > max ? counted.getAsLong() : -1);
        }
        return true;
    }

    private boolean advance() {
        try {
            return delegate.next();
        } catch (org.smsexport.ExportException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new org.smsexport.ExportException("Data source '" + job.prepared.source().name() + "' failed reading "
                    + job.prepared.type().name() + " after " + rows + " rows: " + e, e, job.id,
                    job.prepared.exporter().format().id(), job.prepared.type().name());
        }
    }

    @Override
    public Object get(int column) {
        return delegate.get(column);
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** @return rows handed out */
    long rows() {
        return rows;
    }

    /** @return whether rows were left out because of the maximum */
    boolean truncated() {
        return truncated;
    }
}
