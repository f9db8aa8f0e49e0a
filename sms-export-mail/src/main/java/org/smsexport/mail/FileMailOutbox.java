package org.smsexport.mail;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.smsexport.ExportException;

/**
 * {@link MailOutbox} in a directory, for a service without a database: {@code <id>.mail} holds a pending message,
 * replaced atomically on every change; {@code <id>.lock} is locked (an operating-system lock, released when a process
 * dies) by whoever is sending it, so processes sharing the directory on one machine send each message once;
 * {@code <id>.sent} and {@code <id>.given-up} keep what became of it, without the bodies. Files are readable by
 * the owner only.
 */
final class FileMailOutbox implements MailOutbox {

    private static final String PENDING = ".mail";
    /** Settled records are kept this long, then removed when an outbox opens the directory. */
    private static final Duration KEEP_SETTLED = Duration.ofDays(30);

    private final Path dir;
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();

    private record Claim(FileChannel channel, FileLock lock) {
        void release() {
            try {
                channel.close(); // releases the lock
            } catch (IOException e) {
                // nothing held any more either way
            }
        }
    }

    private FileMailOutbox(Path dir) {
        this.dir = dir;
    }

    static FileMailOutbox create(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                posix(dir, "rwx------");
            }
            Instant old = Instant.now().minus(KEEP_SETTLED);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{sent,given-up,tmp}")) {
                for (Path f : files) {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(old) || f.getFileName().toString().endsWith(".tmp")
                            && Files.getLastModifiedTime(f).toInstant().isBefore(Instant.now().minusSeconds(3600))) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException e) {
            throw new ExportException("Cannot open the mail outbox directory " + dir + ": " + e.getMessage(), e);
        }
        return new FileMailOutbox(dir);
    }

    @Override
    public void add(Message m) {
        try {
            Files.write(dir.resolve(m.id() + ".lock"), new byte[0]);
            posix(dir.resolve(m.id() + ".lock"), "rw-------");
            write(m.id() + PENDING, properties(m, true));
        } catch (IOException e) {
            throw new ExportException("The mail outbox could not be written: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Message> claim(String node, Instant now, Duration lease, int max) {
        List<Message> claimed = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + PENDING)) {
            for (Path f : files) {
                if (claimed.size() == max) {
                    break;
                }
                String id = f.getFileName().toString().substring(0, f.getFileName().toString().length() - PENDING.length());
                if (!claims.containsKey(id)) {
                    lock(id).ifPresent(claim -> {
                        // read after locking: whoever held the lock may have just changed or settled the message
                        Optional<Message> m = read(f).filter(x -> x.status() == Status.PENDING && !x.nextAttemptAt().isAfter(now));
                        if (m.isPresent()) {
                            claims.put(id, claim);
                            claimed.add(m.get());
                        } else {
                            claim.release();
                        }
                    });
                }
            }
        } catch (IOException e) {
            throw new ExportException("The mail outbox could not be read: " + e.getMessage(), e);
        }
        return claimed;
    }

    private Optional<Claim> lock(String id) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir.resolve(id + ".lock"), StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // settled meanwhile
        }
        try {
            FileLock lock = ch.tryLock();
            if (lock != null) {
                return Optional.of(new Claim(ch, lock));
            }
        } catch (OverlappingFileLockException e) {
            // another outbox of this process holds it
        }
        ch.close();
        return Optional.empty();
    }

    @Override
    public boolean sent(String id, Instant at) {
        return settle(id, Status.SENT, -1, null, at);
    }

    /** Settles only under this outbox's lock of the message, which no other process can hold meanwhile. */
    @Override
    public boolean retry(String id, int attempts, Instant next, String error) {
        Claim claim = claims.remove(id);
        if (claim == null) {
            return false;
        }
        try {
            Message m = read(dir.resolve(id + PENDING)).orElseThrow(() -> new NoSuchFileException(id + PENDING));
            write(id + PENDING, properties(new Message(m.id(), m.jobId(), m.recipient(), m.subject(), m.text(), m.html(),
                    m.attachment(), m.createdAt(), attempts, next, Optional.ofNullable(error), Status.PENDING), true));
            return true;
        } catch (IOException e) {
            throw new ExportException("The mail outbox could not be written: " + e.getMessage(), e);
        } finally {
            claim.release();
        }
    }

    @Override
    public boolean givenUp(String id, int attempts, String error) {
        return settle(id, Status.GIVEN_UP, attempts, error, Instant.now());
    }

    /** Writes the outcome, then removes the pending message and its lock file, still holding the lock. */
    private boolean settle(String id, Status status, int attempts, String error, Instant at) {
        Claim claim = claims.remove(id);
        if (claim == null) {
            return false;
        }
        try {
            Message m = read(dir.resolve(id + PENDING)).orElseThrow(() -> new NoSuchFileException(id + PENDING));
            Message done = new Message(m.id(), m.jobId(), m.recipient(), m.subject(), "", "", m.attachment(), m.createdAt(),
                    attempts < 0 ? m.attempts() + 1 : attempts, at, Optional.ofNullable(error), status);
            write(id + suffix(status), properties(done, false));
            Files.deleteIfExists(dir.resolve(id + PENDING));
            // a process that opened the lock file before this deletion finds no message once it gets the lock
            Files.deleteIfExists(dir.resolve(id + ".lock"));
            return true;
        } catch (IOException e) {
            throw new ExportException("The mail outbox could not be written: " + e.getMessage(), e);
        } finally {
            claim.release();
        }
    }

    private static String suffix(Status s) {
        return s == Status.SENT ? ".sent" : ".given-up";
    }

    @Override
    public Optional<Message> find(String id) {
        for (String suffix : List.of(".sent", ".given-up", PENDING)) {
            Optional<Message> m = read(dir.resolve(id + suffix));
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }

    private void write(String name, Properties p) throws IOException {
        Path tmp = dir.resolve("." + name + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            posix(tmp, "rw-------");
            p.store(w, null);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Optional<Message> read(Path f) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(new Message(p.getProperty("id"), p.getProperty("job"), p.getProperty("recipient"), p.getProperty("subject"),
                p.getProperty("text", ""), p.getProperty("html", ""), Optional.ofNullable(p.getProperty("attachment")),
                Instant.parse(p.getProperty("created")), Integer.parseInt(p.getProperty("attempts")), Instant.parse(p.getProperty("next")),
                Optional.ofNullable(p.getProperty("error")), Status.valueOf(p.getProperty("status"))));
    }

    private static Properties properties(Message m, boolean bodies) {
        Properties p = new Properties();
        p.setProperty("id", m.id());
        p.setProperty("job", m.jobId());
        p.setProperty("recipient", m.recipient());
        p.setProperty("subject", m.subject());
        if (bodies) {
            p.setProperty("text", m.text());
            p.setProperty("html", m.html());
        }
        m.attachment().ifPresent(a -> p.setProperty("attachment", a));
        p.setProperty("created", m.createdAt().toString());
        p.setProperty("attempts", Integer.toString(m.attempts()));
        p.setProperty("next", m.nextAttemptAt().toString());
        m.lastError().ifPresent(e -> p.setProperty("error", e));
        p.setProperty("status", m.status().name());
        return p;
    }

    private static void posix(Path p, String perms) throws IOException {
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        }
    }
}
