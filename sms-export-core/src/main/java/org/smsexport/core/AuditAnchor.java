package org.smsexport.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.smsexport.core.internal.OwnFiles;

/**
 * Where the audit trail's length is anchored, outside the trail itself: the chain's head (the highest sequence number
 * written and its hash) and, once the audit retention removed old records, where it cut (the last removed number and its
 * hash). Kept in {@code .audit-anchor} beside the output directory's files, each line signed with HMAC-SHA256 under a key
 * in {@code .audit-key} — files the database does not hold, readable by their owner only: whoever deletes rows from the
 * table (or lines from {@code audit.jsonl}) cannot move the anchor, so {@link ExportAudit#verify()} sees the records
 * missing at the end, at the start, or all of them. Processes sharing the directory advance one anchor under a file
 * lock; the head only ever moves forward. Thread-safe.
 */
final class AuditAnchor {

    /** A signed position in the chain. */
    record Mark(long seq, String hash) {
    }

    /** What the anchor file says: the head, and the cut of the retention; {@code tampered} when a line's signature fails. */
    record State(Optional<Mark> head, Optional<Mark> cut, boolean tampered) {
    }

    private static final String FILE = ".audit-anchor";
    private static final String KEY = ".audit-key";

    private final Path dir;
    private byte[] key;
    /** The state this anchor wrote last and the identity of the file it wrote; guarded by the file's monitor. */
    private State written;
    private Object writtenKey;

    AuditAnchor(Path dir) {
        this.dir = dir;
    }

    /** @return whether there is a directory to anchor in (a process that only stores schedules may have none yet) */
    boolean usable() {
        return Files.isDirectory(dir);
    }

    /** Moves the head to this record when it is beyond the head: after every append. */
    void advance(long seq, String hash) {
        update(s -> s.head().isEmpty() || seq > s.head().get().seq() ? new State(Optional.of(new Mark(seq, hash)), s.cut(), false) : null);
    }

    /** Records where the retention cut: the last record it removed. */
    void cut(long seq, String hash) {
        update(s -> new State(s.head(), Optional.of(new Mark(seq, hash)), false));
    }

    /** @return what the anchor says; empty marks when there is none yet */
    State read() {
        if (!usable()) {
            return new State(Optional.empty(), Optional.empty(), false);
        }
        try {
            return parse(Files.readAllLines(dir.resolve(FILE), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return new State(Optional.empty(), Optional.empty(), false);
        } catch (IOException e) {
            throw new UncheckedIOException("The audit anchor " + dir.resolve(FILE) + " cannot be read", e);
        }
    }

    /** @return the anchor file, for messages */
    Path file() {
        return dir.resolve(FILE);
    }

    private interface Change {
        State apply(State current);
    }

    /** One lock per anchor file in this JVM: a file lock is the process's, and two services of one process share it. */
    private static final java.util.concurrent.ConcurrentHashMap<Path, Object> IN_PROCESS = new java.util.concurrent.ConcurrentHashMap<>();
    /** How long an update waits for another process's lock before it leaves the anchor as it is (the head only lags). */
    private static final long WAIT_MILLIS = 1_000;

    private void update(Change change) {
        if (!usable()) {
            return;
        }
        Path file = dir.resolve(FILE).toAbsolutePath().normalize();
        synchronized (IN_PROCESS.computeIfAbsent(file, f -> new Object())) {
            try (FileChannel channel = FileChannel.open(dir.resolve(FILE + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                // another process's lock is waited for a moment, never for ever: a process frozen while it held it must not
                // stop this one's exports; the head moves forward again at the next record
                FileLock held = null;
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
                while (held == null) {
                    held = channel.tryLock();
                    if (held == null) {
                        if (System.nanoTime() > deadline) {
                            return;
                        }
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
                try {
                    // what this anchor wrote last, while the file is still the one it wrote (another process's write, or
                    // another service's in this one, replaces it with a new file)
                    State current = written != null && writtenKey != null && writtenKey.equals(OwnFiles.identity(dir.resolve(FILE)))
                            ? written : read();
                    State next = change.apply(current);
                    if (next == null) {
                        return;
                    }
                    List<String> lines = new ArrayList<>();
                    next.head().ifPresent(m -> lines.add(line("head", m)));
                    next.cut().ifPresent(m -> lines.add(line("cut", m)));
                    Path temp = org.smsexport.core.internal.PublishedFile.createOwnerOnly(dir, FILE, ".tmp");
                    Files.write(temp, lines, StandardCharsets.UTF_8);
                    Files.move(temp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    written = next;
                    writtenKey = OwnFiles.identity(dir.resolve(FILE));
                } finally {
                    held.release();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("The audit anchor " + dir.resolve(FILE) + " cannot be written", e);
            }
        }
    }

    private String line(String kind, Mark m) {
        return kind + " " + m.seq() + " " + m.hash() + " " + mac(kind, m);
    }

    private State parse(List<String> lines) {
        Optional<Mark> head = Optional.empty();
        Optional<Mark> cut = Optional.empty();
        boolean tampered = false;
        for (String l : lines) {
            String[] f = l.strip().split(" ");
            if (f.length != 4 || !(f[0].equals("head") || f[0].equals("cut"))) {
                tampered |= !l.isBlank();
                continue;
            }
            Mark m;
            try {
                m = new Mark(Long.parseLong(f[1]), f[2]);
            } catch (NumberFormatException e) {
                tampered = true;
                continue;
            }
            if (!MessageDigest.isEqual(mac(f[0], m).getBytes(StandardCharsets.US_ASCII), f[3].getBytes(StandardCharsets.US_ASCII))) {
                tampered = true;
            } else if (f[0].equals("head")) {
                head = Optional.of(m);
            } else {
                cut = Optional.of(m);
            }
        }
        return new State(head, cut, tampered);
    }

    private String mac(String kind, Mark m) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((kind + " " + m.seq() + " " + m.hash()).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has HmacSHA256", e);
        }
    }

    /** The key, made on first use: random, owner-only, never in the database. */
    private synchronized byte[] key() {
        if (key == null) {
            key = org.smsexport.core.internal.KeyFile.read(dir.resolve(KEY), org.smsexport.core.internal.KeyFile.Text.HEX,
                    "audit anchor's key");
        }
        return key;
    }
}
