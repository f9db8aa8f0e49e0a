package org.smsexport.mail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smsexport.InvalidRequestException;
import org.smsexport.support.Settings;

/**
 * SMTP settings, with the original system's variable names. Defaults: port 587, STARTTLS required
 * ({@code SMTP_USE_TLS=true}), connect timeout 10 s, read/write timeout 30 s, 3 retries starting at 2 s and
 * doubling, attachments up to 5 MB (counting base64's 4/3), links valid 7 days. The password never appears
 * in {@link #toString()}.
 *
 * @param enabled          {@code ENABLE_EMAIL_NOTIFICATIONS}
 * @param host             {@code SMTP_HOST}
 * @param port             {@code SMTP_PORT}
 * @param user             {@code SMTP_USER}, empty for no authentication
 * @param password         {@code SMTP_PASSWORD}
 * @param from             {@code SMTP_FROM_ADDRESS}
 * @param startTls         {@code SMTP_USE_TLS}: STARTTLS required (never a silent downgrade)
 * @param ssl              {@code SMTP_SSL}: implicit TLS (port 465)
 * @param connectTimeout   {@code SMTP_CONNECT_TIMEOUT_SECONDS}
 * @param timeout          {@code SMTP_TIMEOUT_SECONDS}, for reads and writes
 * @param retries          {@code SMTP_RETRIES}: attempts after the first
 * @param backoff          {@code SMTP_RETRY_BACKOFF_MS}: wait before the first retry, doubled after each
 * @param attachMaxBytes   {@code MAIL_ATTACH_MAX_BYTES}: files up to this size (after base64) are attached; 0 never
 * @param expiresInDays    {@code EXPORT_LINK_EXPIRES_DAYS}: what the mail says about the download link
 * @param templateDir      {@code MAIL_TEMPLATE_DIR}: a directory whose templates override the bundled ones
 * @param retryFor         {@code SMTP_RETRY_FOR_HOURS}: how long a message in a {@link MailOutbox} is retried; 24 hours
 */
public record MailConfig(boolean enabled, String host, int port, String user, String password, String from, boolean startTls,
        boolean ssl, Duration connectTimeout, Duration timeout, int retries, Duration backoff, long attachMaxBytes,
        int expiresInDays, Optional<Path> templateDir, Duration retryFor) {

    /** @return the configuration of the process environment */
    public static MailConfig fromEnvironment() {
        return from(System.getenv());
    }

    /**
     * Reads the keys listed on the record. Missing or out-of-range settings are reported by {@link #problems()}
     * and {@link #validate()}; a value that is not a number or a boolean where one is expected is refused here.
     *
     * @param env settings by key
     * @return the configuration
     * @throws org.smsexport.InvalidRequestException naming the key and the value that is not a number or boolean
     */
    public static MailConfig from(Map<String, String> env) {
        Settings s = Settings.of(env);
        MailConfig c = new MailConfig(s.bool("ENABLE_EMAIL_NOTIFICATIONS", false), s.text("SMTP_HOST", ""),
                (int) s.number("SMTP_PORT", 587), s.text("SMTP_USER", ""), env.getOrDefault("SMTP_PASSWORD", ""),
                s.text("SMTP_FROM_ADDRESS", ""), s.bool("SMTP_USE_TLS", true), s.bool("SMTP_SSL", false),
                Duration.ofSeconds(s.number("SMTP_CONNECT_TIMEOUT_SECONDS", 10)), Duration.ofSeconds(s.number("SMTP_TIMEOUT_SECONDS", 30)),
                (int) s.number("SMTP_RETRIES", 3), Duration.ofMillis(s.number("SMTP_RETRY_BACKOFF_MS", 2000)),
                s.number("MAIL_ATTACH_MAX_BYTES", 5L * 1024 * 1024), (int) s.number("EXPORT_LINK_EXPIRES_DAYS", 7),
                Optional.ofNullable(s.text("MAIL_TEMPLATE_DIR", null)).map(Path::of), Duration.ofHours(s.number("SMTP_RETRY_FOR_HOURS", 24)));
        // what is not a number or a boolean is refused here, every such value at once; ranges are problems()
        s.check("mail");
        return c;
    }

    /** @return every missing or bad setting; empty when mail can be sent */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (host.isEmpty()) {
            p.add("SMTP_HOST is not set");
        }
        if (port < 1 || port > 65_535) {
            p.add("SMTP_PORT=" + port + " is not a port (1..65535)");
        }
        if (!Recipients.valid(from)) {
            p.add("SMTP_FROM_ADDRESS '" + from + "' is not an email address");
        }
        if (!user.isEmpty() && password.isEmpty()) {
            p.add("SMTP_PASSWORD is empty while SMTP_USER is set");
        }
        if (startTls && ssl) {
            p.add("SMTP_USE_TLS (STARTTLS) and SMTP_SSL (implicit TLS) are both on; choose one");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || timeout.isNegative() || timeout.isZero()) {
            p.add("timeouts must be positive");
        }
        if (retries < 0 || retries > 10) {
            p.add("SMTP_RETRIES=" + retries + " is not 0..10");
        }
        if (backoff.isNegative()) {
            p.add("SMTP_RETRY_BACKOFF_MS must not be negative");
        }
        if (retryFor.isNegative()) {
            p.add("SMTP_RETRY_FOR_HOURS must not be negative");
        }
        if (attachMaxBytes < 0) {
            p.add("MAIL_ATTACH_MAX_BYTES must not be negative");
        }
        if (expiresInDays < 1) {
            p.add("EXPORT_LINK_EXPIRES_DAYS must be at least 1");
        }
        return List.copyOf(p);
    }

    /** @return whether notifications are switched on and the configuration is complete */
    public boolean isEnabled() {
        return enabled && problems().isEmpty();
    }

    /**
     * @throws InvalidRequestException listing every missing or bad setting in one message
     */
    public void validate() {
        List<String> p = problems();
        if (!p.isEmpty()) {
            throw new InvalidRequestException("Mail is misconfigured: " + String.join("; ", p) + ".");
        }
    }

    @Override
    public String toString() {
        return "MailConfig[enabled=" + enabled + ", host=" + host + ", port=" + port + ", user=" + user + ", password="
                + (password.isEmpty() ? "(none)" : "(set)") + ", from=" + from + ", startTls=" + startTls + ", ssl=" + ssl + "]";
    }
}
