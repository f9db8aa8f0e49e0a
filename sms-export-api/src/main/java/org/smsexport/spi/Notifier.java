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

    /** Releases resources; called once by the service's {@code close()}. */
    @Override
    default void close() {
    }
}
