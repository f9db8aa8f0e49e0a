package org.smsexport;

/**
 * The export queue had no room for another job: every worker is busy and {@link #capacity()} jobs already
 * wait. Nothing was lost; try again later (a server answers 429 with {@code Retry-After}), or raise
 * {@code EXPORT_QUEUE_CAPACITY} or {@code EXPORT_WORKERS}.
 */
public class QueueFullException extends ExportException {

    private static final long serialVersionUID = 1L;

    private final int capacity;

    /**
     * @param message  what happened and what to do
     * @param cause    the underlying error, or {@code null}
     * @param capacity how many jobs the queue holds
     * @param jobId    the job that was refused, or {@code null}
     * @param format   its format id, or {@code null}
     * @param type     its export type name, or {@code null}
     */
    public QueueFullException(String message, Throwable cause, int capacity, JobId jobId, String format, String type) {
        super(message, cause, jobId, format, type);
        this.capacity = capacity;
    }

    /** @return how many waiting jobs the queue holds ({@code EXPORT_QUEUE_CAPACITY}) */
    public int capacity() {
        return capacity;
    }
}
