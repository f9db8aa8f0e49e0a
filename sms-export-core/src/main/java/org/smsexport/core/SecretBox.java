package org.smsexport.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.smsexport.ExportException;
import org.smsexport.InvalidRequestException;

/**
 * Seals a short secret — a schedule's file password — so that a database can keep it without being able to read it:
 * AES-256-GCM under a key the database does not hold. The key is {@code EXPORT_SECRET_KEY} (base64 of 32 bytes, the
 * same on every node that runs schedules), else one made on first use in {@code <output>/.secret-key}, readable by its
 * owner only. Whoever copies the database gets {@code sealed:v1:…} text and nothing else; a node without the key cannot
 * run the schedule and says so. Thread-safe.
 */
public final class SecretBox {

    /** What every sealed value starts with. */
    public static final String PREFIX = "sealed:v1:";
    /** The setting that holds the key, base64 of 32 bytes. */
    public static final String SETTING = "EXPORT_SECRET_KEY";

    private static final int IV = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * @param settings        where {@code EXPORT_SECRET_KEY} may be
     * @param outputDirectory where {@code .secret-key} is kept without it
     * @return the box of these settings
     * @throws InvalidRequestException when {@code EXPORT_SECRET_KEY} is not base64 of 32 bytes (never echoing it)
     */
    public static SecretBox configured(Map<String, String> settings, Path outputDirectory) {
        String text = settings.get(SETTING);
        if (text != null && !text.isBlank()) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(text.strip());
            } catch (IllegalArgumentException e) {
                key = new byte[0];
            }
            if (key.length != 32) {
                throw new InvalidRequestException(SETTING + " must be base64 of 32 bytes (e.g. from openssl rand -base64 32), got "
                        + text.length() + " characters that are not.");
            }
            return new SecretBox(key);
        }
        return new SecretBox(org.smsexport.core.internal.KeyFile.read(outputDirectory.resolve(".secret-key"),
                org.smsexport.core.internal.KeyFile.Text.BASE64, "secret key"));
    }

    /**
     * @param value any text
     * @return whether it is a sealed value
     */
    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /**
     * @param secret the secret
     * @return {@code sealed:v1:} and the base64 of a random nonce and the ciphertext
     */
    public String seal(String secret) {
        Objects.requireNonNull(secret, "secret");
        byte[] iv = new byte[IV];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(IV + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has AES/GCM", e);
        }
    }

    /**
     * @param sealed a value {@link #seal} made
     * @return the secret
     * @throws ExportException when it was sealed under another key (another node's {@code .secret-key}, a changed
     *                         {@code EXPORT_SECRET_KEY}) or is no sealed value
     */
    public String open(String sealed) {
        try {
            if (!isSealed(sealed)) {
                throw new IllegalArgumentException("not sealed");
            }
            byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV));
            return new String(c.doFinal(all, IV, all.length - IV), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ExportException("A stored password cannot be opened with this node's key: it was sealed under another "
                    + "(set the same " + SETTING + " on every node that runs schedules, and make the schedule again if the key "
                    + "changed).");
        }
    }
}
