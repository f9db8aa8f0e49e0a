package org.smsexport;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The id of an export job: 20 random base-32 characters (100 bits), so ids can be neither guessed nor
 * enumerated, and safe to use in file names and URLs.
 *
 * @param value the id's text
 */
public record JobId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[a-z2-7]{20}");
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Validates the format, so a job id read from a URL or a file name can never carry a path. */
    public JobId {
        Objects.requireNonNull(value, "value");
        if (!FORMAT.matcher(value).matches()) {
            throw new InvalidRequestException("Job id '" + (value.length() > 40 ? value.substring(0, 40) + "…" : value)
                    + "' is malformed: expected 20 characters from a-z and 2-7.");
        }
    }

    /** @return a new random id */
    public static JobId random() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        char[] out = new char[20];
        for (int i = 0; i < 20; i++) {
            out[i] = ALPHABET[bytes[i] & 31];
        }
        return new JobId(new String(out));
    }

    /**
     * @param value the id's text
     * @return the id
     * @throws InvalidRequestException when the text is not a well-formed id
     */
    public static JobId of(String value) {
        return new JobId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
