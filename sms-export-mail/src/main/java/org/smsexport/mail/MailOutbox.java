package org.smsexport.mail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where messages wait until they are delivered or given up, so a mail survives an SMTP outage of hours and a
 * restart: {@link #jdbc} keeps them in the table {@code sms_export_notifications}, which several nodes share (each
 * message is claimed by one of them at a time); {@link #file} in a directory. A settled message keeps its record
 * (recipient, subject, attempts, last error) but not its bodies. Thread-safe.
 */
public interface MailOutbox {

    /** Where a message stands. */
    enum Status {
        /** Waiting for its next attempt. */
        PENDING,
        /** Delivered. */
        SENT,
        /** Not delivered, and no longer tried: a permanent refusal, or the retry period ran out. */
        GIVEN_UP
    }

    /**
     * One message and its history.
     *
     * @param id            the notification's id, also its {@code Message-ID}: one per notification, however often tried
     * @param jobId         the export job it is about
     * @param recipient     the address
     * @param subject       the subject
     * @param text          the plain-text body
     * @param html          the HTML body
     * @param attachment    the file to attach, when there is one
     * @param createdAt     when it was queued
     * @param attempts      attempts so far
     * @param nextAttemptAt when it is due
     * @param lastError     why the last attempt failed
     * @param status        where it stands
     */
    record Message(String id, String jobId, String recipient, String subject, String text, String html, Optional<String> attachment,
            Instant createdAt, int attempts, Instant nextAttemptAt, Optional<String> lastError, Status status) {
    }

    /** @param message a new message, pending */
    void add(Message message);

    /**
     * Claims due pending messages for one node: no other node gets them until the lease ends or they are settled. A
     * database outbox judges due times and leases by the database's clock, so nodes with skewed clocks never both hold
     * a message.
     *
     * @param node  who claims
     * @param now   the time now (by this node's clock; a database outbox uses its own)
     * @param lease how long the claim holds
     * @param max   at most this many
     * @return the messages claimed
     */
    List<Message> claim(String node, Instant now, Duration lease, int max);

    /**
     * Settling requires the claim this outbox made: when it ran out and another node claimed the message meanwhile (a
     * slow SMTP server, a paused process), nothing is written and the answer is {@code false}.
     *
     * @param id a message this outbox claimed, delivered
     * @param at when
     * @return whether the claim still held and the message is now SENT
     */
    boolean sent(String id, Instant at);

    /**
     * @param id       a message this outbox claimed that failed for now
     * @param attempts attempts so far
     * @param next     when to try again
     * @param error    why it failed
     * @return whether the claim still held and the message waits for {@code next}
     */
    boolean retry(String id, int attempts, Instant next, String error);

    /**
     * @param id       a message this outbox claimed, no longer tried
     * @param attempts attempts made
     * @param error    why
     * @return whether the claim still held and the message is now GIVEN_UP
     */
    boolean givenUp(String id, int attempts, String error);

    /**
     * @param id a message's id
     * @return the message, with its status
     */
    Optional<Message> find(String id);

    /**
     * @param db the database (the job store's, typically)
     * @return an outbox in its table {@code sms_export_notifications}, created when missing (an earlier version's
     *         {@code sms_export_notifications} is renamed to it)
     */
    static MailOutbox jdbc(javax.sql.DataSource db) {
        return JdbcMailOutbox.create(db, org.smsexport.support.OwnTables.DEFAULT_PREFIX);
    }

    /**
     * @param db     the database (the job store's, typically)
     * @param prefix the prefix of the library's tables ({@code EXPORT_TABLE_PREFIX}): the outbox is
     *               {@code <prefix>notifications}
     * @return an outbox in that table, created when missing
     * @throws org.smsexport.ExportException when a table of that name is not sms-export's (it is never altered)
     */
    static MailOutbox jdbc(javax.sql.DataSource db, String prefix) {
        return JdbcMailOutbox.create(db, prefix);
    }

    /**
     * @param prefix  the tables' prefix ({@code EXPORT_TABLE_PREFIX})
     * @param dialect the database
     * @return the statements that create the outbox table in the database's types
     */
    static java.util.List<String> ddl(String prefix, org.smsexport.support.SqlDialect dialect) {
        return JdbcMailOutbox.ddl(prefix, dialect);
    }

    /**
     * @param directory a directory of its own (created when missing, readable by the owner only); processes on one
     *                  machine may share it
     * @return an outbox of one file per message
     */
    static MailOutbox file(java.nio.file.Path directory) {
        return FileMailOutbox.create(directory);
    }
}
