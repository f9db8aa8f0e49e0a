package org.smsexport.core.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A secret kept in a file beside the exports, never in a database: 32 random bytes made on first use, readable by its
 * owner only; when processes sharing the directory race to make it, the first wins and the others read theirs. A file
 * someone else could read (or planted) is refused.
 */
public final class KeyFile {

    /** How the bytes are written in the file. */
    public enum Text {
        /** Base64 ({@code .link-secret}, {@code .secret-key}). */
        BASE64,
        /** Lower-case hex ({@code .audit-key}). */
        HEX
    }

    private KeyFile() {
    }

    /**
     * @param file where the secret lives
     * @param text how it is written
     * @param what what it is, for messages ("download link secret")
     * @return the secret's bytes
     * @throws UncheckedIOException when it cannot be made or read, or others may read it
     */
    public static byte[] read(Path file, Text text, String what) {
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path temp = PublishedFile.createOwnerOnly(dir, file.getFileName().toString(), ".tmp");
                try {
                    Files.writeString(temp, text == Text.HEX ? HexFormat.of().formatHex(fresh)
                            : Base64.getEncoder().encodeToString(fresh), StandardCharsets.US_ASCII);
                    Files.createLink(file, temp); // fails when another process made it first: take theirs
                } catch (FileAlreadyExistsException e) {
                    // theirs it is
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            // a secret someone else planted (or could read) would let them forge or open what it protects
            OwnFiles.checkPrivate(file, what);
            String stored = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text == Text.HEX ? HexFormat.of().parseHex(stored) : Base64.getDecoder().decode(stored);
        } catch (IOException e) {
            throw new UncheckedIOException("The " + what + " " + file + " cannot be read or made: " + e.getMessage(), e);
        }
    }
}
