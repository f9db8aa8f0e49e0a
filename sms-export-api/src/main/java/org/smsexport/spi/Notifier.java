package org.smsexport.spi;

/**
 * Told when a job finishes: the mail module is one, a host may add Slack or webhooks. A notifier that
 * throws is logged at WARN and counted; it never fails the export. Implementations must be thread-safe and
 * should not block for long (hand slow work to an executor of their own).
 */
public interface Notifier extends AutoCloseable {

    /**
     * @param event the finished job, its file and download link
     */
    void jobFinished(ExportEvent event);

    /**
     * Checks, when a job is submitted, that this notifier could ever reach the address, so a bad one is
     * refused at once instead of found when mailing. The default accepts every address.
     *
     * @param address the request's notification address
     * @throws org.smsexport.InvalidRequestException naming the address and what is wrong with it
     */
    default void checkRecipient(String address) {
    }

    /**
     * Called once by the service when it starts, before any event: a notifier that keeps messages beyond the
     * event (a durable outbox delivered after a restart, or by another node) learns here where to keep them and how
     * to record their outcome on the job later. The default does nothing.
     *
     * @param context the service's output directory, its job store's database, and a way to record outcomes
     */
    default void start(Context context) {
    }

    /** What the service tells a notifier when it starts. */
    interface Context {
        /**
         * Records a notification's outcome on its job ({@code notificationSent}, {@code notificationError}).
         *
         * @param job   the job the notification was about
         * @param sent  whether it was delivered
         * @param error why not, or what is pending, when it was not
         */
        void recordResult(org.smsexport.JobId job, boolean sent, java.util.Optional<String> error);

        /** @return the directory the service publishes files in */
        java.nio.file.Path outputDirectory();

        /** @return the database the job store keeps its jobs in, shared by every node sharing the jobs */
        java.util.Optional<javax.sql.DataSource> database();

        /**
         * @return the prefix of the tables the library keeps in {@link #database()} ({@code EXPORT_TABLE_PREFIX}); a
         *         notifier's own table there takes it too
         */
        default String tablePrefix() {
            return org.smsexport.support.OwnTables.DEFAULT_PREFIX;
        }
    }

    /** Releases resources; called once by the service's {@code close()}. */
    @Override
    default void close() {
    }
}
