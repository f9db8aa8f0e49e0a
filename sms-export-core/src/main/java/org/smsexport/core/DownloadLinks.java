package org.smsexport.core;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.smsexport.ExportJob;
import org.smsexport.JobId;

/**
 * Signed, expiring download links: a token is the expiry (epoch seconds) and an HMAC-SHA256 over job id,
 * owner and expiry, compared in constant time. A link for one job or owner does not open another, and
 * stops working when it expires. The secret comes from configuration or is generated once and kept,
 * owner-readable only, beside the exports. Immutable and thread-safe.
 */
public final class DownloadLinks {

    /** How a token checked out. */
    public enum Verdict {
        /** Genuine and not expired. */
        VALID,
        /** Not made by this secret for this job and owner (or malformed). */
        TAMPERED,
        /** Genuine, but past its expiry. */
        EXPIRED
    }

    private final byte[] secret;
    private final Clock clock;
    private final Duration validity;

    /**
     * @param secret   at least 32 bytes
     * @param validity how long a link works (the seed's {@code expires_in_days}, default 7 days)
     * @param clock    the clock expiry is measured with
     */
    public DownloadLinks(byte[] secret, Duration validity, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("A link secret needs at least 32 bytes, got " + secret.length);
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("Link validity must be positive, got " + validity);
        }
        this.secret = secret.clone();
        this.validity = validity;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code EXPORT_LINK_EXPIRES_DAYS}: how long a link works by default. */
    public static final int DEFAULT_EXPIRES_DAYS = 7;

    /**
     * The signer the settings describe: {@code EXPORT_LINK_SECRET} (base64, 32 bytes or more — the same on every node,
     * so a link one node signs works on all) or else a secret kept in {@code <output>/.link-secret}; links work
     * {@code EXPORT_LINK_EXPIRES_DAYS} ({@value #DEFAULT_EXPIRES_DAYS}).
     *
     * @param settings        the settings ({@code EXPORT_LINK_*})
     * @param outputDirectory where {@code .link-secret} is kept without a configured secret
     * @param clock           the clock links expire by
     * @return the signer
     * @throws org.smsexport.InvalidRequestException naming every bad setting (never the secret itself)
     * @throws UncheckedIOException when the secret file cannot be read or created
     */
    public static DownloadLinks configured(java.util.Map<String, String> settings, Path outputDirectory, Clock clock) {
        org.smsexport.support.Settings s = org.smsexport.support.Settings.of(settings);
        long days = s.number("EXPORT_LINK_EXPIRES_DAYS", DEFAULT_EXPIRES_DAYS);
        String secret = s.text("EXPORT_LINK_SECRET", null);
        java.util.List<String> problems = new java.util.ArrayList<>(s.problems());
        if (days < 1 || days > 3650) {
            problems.add("EXPORT_LINK_EXPIRES_DAYS must be 1..3650, got " + days);
        }
        byte[] key = null;
        if (secret != null) {
            try {
                key = java.util.Base64.getDecoder().decode(secret);
            } catch (IllegalArgumentException e) {
                key = new byte[0];
            }
            if (key.length < 32) {
                // never echo the secret itself
                problems.add("EXPORT_LINK_SECRET must be base64 of 32 bytes or more (e.g. from openssl rand -base64 32), got "
                        + secret.length() + " characters that are not");
            }
        }
        if (!problems.isEmpty()) {
            throw new org.smsexport.InvalidRequestException("Invalid download link settings: " + String.join("; ", problems) + ".");
        }
        Duration validity = Duration.ofDays(days);
        return key != null ? new DownloadLinks(key, validity, clock) : persistent(outputDirectory.resolve(".link-secret"), validity, clock);
    }

    /**
     * The secret kept in {@code file}, created (random, 32 bytes, owner read/write only) on first use, so
     * links survive restarts and every process sharing the directory signs alike.
     *
     * @param file     where the secret lives
     * @param validity how long a link works
     * @param clock    the clock
     * @return the links
     */
    public static DownloadLinks persistent(Path file, Duration validity, Clock clock) {
        return new DownloadLinks(org.smsexport.core.internal.KeyFile.read(file, org.smsexport.core.internal.KeyFile.Text.BASE64,
                "download link secret"), validity, clock);
    }

    /** The route the CLI's REST server serves downloads on: the default of {@link #at(String)}. */
    public static final String DEFAULT_PATH = "/api/v1/export-jobs/{id}/download?token={token}";

    /**
     * How a host's server turns a job and its token into the link put into notifications.
     */
    @FunctionalInterface
    public interface Url {
        /**
         * @param job   the completed job
         * @param token its signed token (URL-safe: digits, a dot and base64url)
         * @return the absolute link
         */
        String of(ExportJob job, String token);
    }

    /**
     * @param template an absolute URL with {@code {id}} and {@code {token}} in it, e.g.
     *                 {@code https://sms.example/exports/{id}/file?t={token}}
     * @return the link function; the id and token need no escaping (both are URL-safe)
     * @throws IllegalArgumentException when the template lacks {@code {id}} or {@code {token}} or is not http(s)
     */
    public static Url template(String template) {
        if (!template.contains("{id}") || !template.contains("{token}") || !template.matches("(?i)https?://.+")) {
            throw new IllegalArgumentException("A download link template is an http(s) URL with {id} and {token} in it, got '"
                    + template + "'");
        }
        return (job, token) -> template.replace("{id}", job.id().value()).replace("{token}", token);
    }

    /**
     * @param baseUrl the public base URL of a server that serves {@link #DEFAULT_PATH} (the CLI's {@code serve})
     * @return the link function
     */
    public static Url at(String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return template(base + DEFAULT_PATH);
    }

    /** @return how long a new link works */
    public Duration validity() {
        return validity;
    }

    /**
     * @param job   the job
     * @param owner its owner
     * @return a token valid for {@link #validity()} from now
     */
    public String token(JobId job, String owner) {
        return token(job, owner, clock.instant().plus(validity));
    }

    /**
     * @param job     the job
     * @param owner   its owner
     * @param expires when the token stops working
     * @return the token: {@code <epochSeconds>.<base64url HMAC>}
     */
    public String token(JobId job, String owner, Instant expires) {
        long at = expires.getEpochSecond();
        return at + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(job, owner, at));
    }

    /**
     * @param token a token
     * @return when it expires, if it is well formed; never throws, whatever the token
     */
    public java.util.Optional<Instant> expiry(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        try {
            return dot < 1 ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochSecond(Long.parseLong(token.substring(0, dot))));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            // not a number, or a number no instant can hold (99999999999999999, Long.MIN_VALUE): malformed
            return java.util.Optional.empty();
        }
    }

    /**
     * @param job   the job the link is for
     * @param owner the job's owner
     * @param token the token from the link
     * @return whether it is valid, tampered with, or expired
     */
    public Verdict verify(JobId job, String owner, String token) {
        java.util.Optional<Instant> expires = expiry(token);
        if (expires.isEmpty()) {
            return Verdict.TAMPERED;
        }
        // the one canonical spelling, compared whole: no second spelling of the expiry ("+17…", "017…") or of the
        // MAC's last base64 character (its unused low bits) is accepted, so any changed character is refused
        long at = expires.get().getEpochSecond();
        String expected = at + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(job, owner, at));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return Verdict.TAMPERED;
        }
        return clock.instant().isAfter(expires.get()) ? Verdict.EXPIRED : Verdict.VALID;
    }

    private byte[] mac(JobId job, String owner, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal((job.value() + "\n" + owner + "\n" + expires).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }
}
