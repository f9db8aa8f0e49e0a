package org.smsexport.rest;

import java.util.Map;
import java.util.Optional;

/**
 * What {@code GET …/settings/email} shows of the mail configuration (never a password) and how
 * {@code POST …/settings/email/test} sends a test message. The CLI's {@code serve} gives one from its {@code SMTP_*}
 * settings; without one, the settings say mail is not configured and a test is refused.
 */
public interface EmailSettings {

    /**
     * @return the configuration as the original admin page reads it: {@code smtp_host}, {@code smtp_port},
     *         {@code smtp_username}, {@code from_email}, {@code admin_emails}, {@code notify_on_completion},
     *         {@code notify_on_failure}, {@code notify_on_schedule_failure}, {@code enabled}; never the password
     */
    Map<String, Object> view();

    /**
     * Sends a test message now.
     *
     * @param recipient where to
     * @return why it was not delivered, or empty when the server accepted it
     */
    Optional<String> sendTest(String recipient);
}
