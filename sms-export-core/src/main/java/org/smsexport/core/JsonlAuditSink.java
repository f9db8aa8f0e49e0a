package org.smsexport.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.smsexport.AuditEntry;
import org.smsexport.AuditEvent;
import org.smsexport.AuditQuery;
import org.smsexport.AuditRecord;
import org.smsexport.ExportException;
import org.smsexport.JobId;
import org.smsexport.core.internal.HeldFile;
import org.smsexport.spi.AuditSink;

/**
 * The audit trail as a JSON-lines file (default {@code audit.jsonl} beside the metrics), one record per line, fields
 * named as {@link ExportAudit#json}. Appends hold an operating-system lock on the file, so processes sharing it on
 * one machine chain their records in turn. Readable by the owner only.
 */
public final class JsonlAuditSink implements AuditSink {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One monitor per file in this JVM: the operating-system lock is per process, so two sinks here take turns first. */
    private static final java.util.concurrent.ConcurrentMap<Path, Object> IN_PROCESS = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path file;
    private final Object turn;
    /** The file held open, its identity, and where this sink's last record ended and what it was; guarded by {@link #turn}. */
    /** The trail, held open between appends (each record used to open, check and close it). */
    private final HeldFile held;
    private volatile FileChannel channel;
    private volatile long lastEnd = -1;
    private AuditRecord lastRecord;
    /** Taken to force the file; the channel last forced and how far (guarded by it). */
    private final Object forcing = new Object();
    private FileChannel forcedChannel;
    private long forcedEnd;

    /** @param file the file, created (with its directory) on the first record */
    public JsonlAuditSink(Path file) {
        this.file = file;
        this.turn = IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new Object());
        this.held = new HeldFile(file, "audit trail", StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /**
     * Appends under the file's lock, then forces it to disk outside the lock: appends made meanwhile by other threads are
     * forced by one of them for all (a group commit), so concurrent appends do not queue behind each other's fsync. A
     * record is on disk before this returns.
     */
    @Override
    public AuditRecord append(AuditEntry entry) {
        Appended a;
        synchronized (turn) {
            a = appendLocked(entry);
        }
        durable(a);
        return a.record();
    }

    /** A record written but perhaps not yet forced: the channel it went through and where it ends. */
    private record Appended(AuditRecord record, FileChannel channel, long end) {
    }

    /** Forces the file unless a force that began after this record was written already covered it. */
    private void durable(Appended a) {
        synchronized (forcing) {
            if (a.channel() == forcedChannel && forcedEnd >= a.end()) {
                return;
            }
            // everything written through this channel so far is covered by the force below
            long upTo = lastEnd;
            if (channel != a.channel() || upTo < a.end()) {
                upTo = a.end();
            }
            try {
                try {
                    a.channel().force(false);
                } catch (java.nio.channels.ClosedChannelException e) {
                    // reopened by another append meanwhile: the bytes are in the file all the same, force it by its path
                    try (FileChannel again = FileChannel.open(file, StandardOpenOption.READ)) {
                        again.force(false);
                    }
                }
            } catch (IOException e) {
                throw new ExportException("The audit trail " + file + " could not be written: " + e.getMessage(), e);
            }
            if (a.channel() != forcedChannel) {
                forcedChannel = a.channel();
                forcedEnd = upTo;
            } else {
                forcedEnd = Math.max(forcedEnd, upTo);
            }
        }
    }

    private Appended appendLocked(AuditEntry entry) {
        try {
            FileChannel ch = channel();
            java.nio.channels.FileLock held = ch.lock();
            try {
                long end = ch.size();
                // the record this sink appended last is the file's last one while the file still ends where it left it;
                // another process's append (under the same lock) or the retention's rewrite moves the end
                Optional<AuditRecord> last = end == lastEnd && lastRecord != null ? Optional.of(lastRecord)
                        : lastLine(ch).map(JsonlAuditSink::parse);
                AuditRecord r = AuditRecord.chain(last.map(l -> l.seq() + 1).orElse(1L), entry,
                        last.map(AuditRecord::hash).orElse(AuditRecord.GENESIS));
                ByteBuffer line = ByteBuffer.wrap((JSON.writeValueAsString(ExportAudit.json(r)) + "\n").getBytes(StandardCharsets.UTF_8));
                long at = end;
                while (line.hasRemaining()) {
                    at += ch.write(line, at);
                }
                lastEnd = at;
                lastRecord = r;
                return new Appended(r, ch, at);
            } finally {
                held.release();
            }
        } catch (IOException e) {
            closeChannel();
            throw new ExportException("The audit trail " + file + " could not be written: " + e.getMessage(), e);
        }
    }

    /** The trail's channel; what this sink remembers of its last record holds for that channel only. */
    private FileChannel channel() throws IOException {
        FileChannel ch = held.channel();
        if (ch != channel) {
            channel = ch;
            lastEnd = -1;
            lastRecord = null;
        }
        return ch;
    }

    private void closeChannel() {
        held.close();
        channel = null;
        lastEnd = -1;
        lastRecord = null;
    }

    /** Lets the file held open go; a later append opens it again. */
    @Override
    public void close() {
        synchronized (turn) {
            closeChannel();
        }
    }

    /** @return the last complete line, read backwards from the end in blocks */
    private static Optional<String> lastLine(FileChannel ch) throws IOException {
        long end = ch.size() - 1; // the final newline
        if (end < 0) {
            return Optional.empty();
        }
        for (int want = 4096; ; want *= 4) {
            long from = Math.max(0, end - want);
            ByteBuffer buf = ByteBuffer.allocate((int) (end - from));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // until the block is read
            }
            byte[] b = buf.array();
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (b[i] == '\n') {
                    return Optional.of(new String(b, i + 1, buf.position() - i - 1, StandardCharsets.UTF_8));
                }
            }
            if (from == 0) {
                return Optional.of(new String(b, 0, buf.position(), StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public List<AuditRecord> list(AuditQuery query) {
        Deque<AuditRecord> newest = new ArrayDeque<>();
        forEach(r -> {
            if (query.matches(r)) {
                newest.addFirst(r);
                if (newest.size() > query.limit()) {
                    newest.removeLast();
                }
            }
        });
        return new ArrayList<>(newest);
    }

    @Override
    public void forEach(Consumer<AuditRecord> each) {
        if (!Files.exists(file)) {
            return;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null;) {
                if (!line.isBlank()) {
                    each.accept(parse(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The audit trail " + file + " could not be read", e);
        }
    }

    @Override
    public long deleteBefore(Instant before) {
        synchronized (turn) {
            return deleteLocked(before);
        }
    }

    private long deleteLocked(Instant before) {
        if (!Files.exists(file)) {
            return 0;
        }
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        long removed = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.lock(); // held until the channel closes
            Files.deleteIfExists(temp); // a leftover, or a link someone planted: the new one is created, never followed
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                    var out = java.nio.channels.Channels.newWriter(FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE), org.smsexport.core.internal.PublishedFile.ownerOnly()), StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null;) {
                    if (!line.isBlank() && parse(line).entry().at().isBefore(before)) {
                        removed++;
                    } else {
                        out.write(line);
                        out.write('\n');
                    }
                }
            }
            if (removed > 0) {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ExportException("The audit trail " + file + " could not be trimmed: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a stale temp file is harmless
            }
        }
        return removed;
    }

    static AuditRecord parse(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            Map<String, String> filters = new TreeMap<>();
            for (Map.Entry<String, JsonNode> f : n.path("filters").properties()) {
                filters.put(f.getKey(), f.getValue().asText());
            }
            List<String> recipients = new ArrayList<>();
            n.path("recipients").forEach(r -> recipients.add(r.asText()));
            AuditEntry e = new AuditEntry(AuditEvent.of(n.path("event").asText()), Instant.parse(n.path("at").asText()),
                    n.path("actor").asText(), JobId.of(n.path("job_id").asText()), n.path("export_type").asText(),
                    n.path("export_format").asText(), filters,
                    n.path("rows").isNumber() ? OptionalLong.of(n.path("rows").asLong()) : OptionalLong.empty(), text(n, "sha256"),
                    text(n, "file_key"), recipients, text(n, "client_address"), text(n, "route"));
            return new AuditRecord(n.path("seq").asLong(), e, n.path("prev_hash").asText(), n.path("hash").asText());
        } catch (IOException | RuntimeException e) {
            throw new ExportException("An audit record could not be read (" + e.getMessage() + ")", e);
        }
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }
}
