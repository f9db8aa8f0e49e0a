package org.smsexport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * An audit entry as stored: its place in the trail and the two links of the hash chain. {@code hash} is the SHA-256
 * of {@code prevHash} and every field of the entry ({@link #hashOf}), so changing, removing or reordering a record
 * breaks the chain at that record.
 *
 * @param seq      the record's number, from 1, without gaps
 * @param entry    what happened
 * @param prevHash the previous record's hash ({@link #GENESIS} for the first)
 * @param hash     this record's hash
 */
public record AuditRecord(long seq, AuditEntry entry, String prevHash, String hash) {

    /** What the first record names as its predecessor: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);

    /** Checks the values are there. */
    public AuditRecord {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
    }

    /**
     * Chains an entry.
     *
     * @param seq      its number
     * @param entry    what happened
     * @param prevHash the previous record's hash
     * @return the record, with its hash
     */
    public static AuditRecord chain(long seq, AuditEntry entry, String prevHash) {
        return new AuditRecord(seq, entry, prevHash, hashOf(seq, entry, prevHash));
    }

    /** @return whether {@code hash} is the hash of this record's fields */
    public boolean intact() {
        return hash.equals(hashOf(seq, entry, prevHash));
    }

    /**
     * @param seq      the number
     * @param e        the entry
     * @param prevHash the previous hash
     * @return the lowercase hex SHA-256 of the fields, each length-prefixed so no two records share an input
     */
    public static String hashOf(long seq, AuditEntry e, String prevHash) {
        StringBuilder b = new StringBuilder();
        field(b, prevHash);
        field(b, Long.toString(seq));
        field(b, e.event().id());
        field(b, e.at().toString());
        field(b, e.actor());
        field(b, e.jobId().value());
        field(b, e.exportType());
        field(b, e.exportFormat());
        for (Map.Entry<String, String> f : e.filters().entrySet()) {
            field(b, f.getKey());
            field(b, f.getValue());
        }
        b.append('|');
        field(b, e.rows().isPresent() ? Long.toString(e.rows().getAsLong()) : "");
        field(b, e.sha256().orElse(""));
        field(b, e.fileKey().orElse(""));
        e.recipients().forEach(r -> field(b, r));
        b.append('|');
        field(b, e.clientAddress().orElse(""));
        field(b, e.route().orElse(""));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException("every Java has SHA-256", x);
        }
    }

    private static void field(StringBuilder b, String value) {
        b.append(value.length()).append(':').append(value);
    }
}
