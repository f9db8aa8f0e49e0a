package org.smsexport.core.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A file being written under a temporary name in the output directory, readable by its owner only, hashed
 * (SHA-256) and counted as it is written, then forced to disk and handed to the storage, which renames it
 * atomically to its final name or uploads it — or deleted. Nothing half-written is ever visible under a final
 * name.
 *
 * <p>Small writes are gathered into 256 KB chunks (at most four in flight) that a writer thread hashes and
 * writes behind the exporter. A write of {@value #INLINE} bytes or more — an exporter that already formats in
 * large blocks, as CSV does — is hashed and written by the calling thread itself once the writer thread has
 * caught up: no copy, no hand-off, and no third busy thread beside an exporter's own two. When the file is to be
 * forced to disk, every {@value #SYNC_EVERY_MB} MB written starts a background {@code force} of what is written
 * so far, so the final one waits only for the tail. Written by one thread at a time; several threads may take
 * turns when each hands over to the next with a happens-before edge (a lock).
 */
public final class PublishedFile implements AutoCloseable {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    /** Size of the chunks handed to the writer thread: large, so handing over costs nothing per row. */
    static final int CHUNK = 256 * 1024;
    /** Chunks in flight per file: the most memory one export holds for writing. */
    private static final int CHUNKS = 4;
    /** Writes at least this large skip the writer thread. */
    static final int INLINE = 64 * 1024;
    /** Megabytes written between background forces, when the file is to be forced to disk. */
    static final int SYNC_EVERY_MB = 8;
    private static final byte[] END = new byte[0];

    private final Path temp;
    private final FileChannel channel;
    private final MessageDigest sha256;
    private final Sink sink;
    private final OutputStream stream;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    /** Chunks made so far (up to {@value #CHUNKS}); only the writing thread makes them. */
    private int made;
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(CHUNKS + 1);
    private final CompletableFuture<Void> writer = new CompletableFuture<>();
    private final Executor threads;
    private final boolean syncAhead;
    /** Chunks handed to the writer thread, and chunks it has written; guarded by {@code counts}. */
    private final Object counts = new Object();
    private long handed;
    private long written;
    private volatile IOException writeError;
    private final java.util.concurrent.atomic.AtomicBoolean syncing = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile IOException syncError;
    private long unsynced;
    private long size;
    private boolean finished;
    private boolean ended;

    /** A filled buffer and how much of it is used. */
    private record Chunk(byte[] data, int length) {
    }

    /**
     * @return the attributes that create a file readable and writable by its owner only (none where the file
     *         system has no POSIX permissions): every file of the service that holds personal data is made so
     */
    public static FileAttribute<?>[] ownerOnly() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    }

    /**
     * @param dir    the directory
     * @param prefix the start of the name
     * @param suffix the end of the name
     * @return a new empty file there, readable by its owner only
     * @throws IOException when it cannot be created
     */
    public static Path createOwnerOnly(Path dir, String prefix, String suffix) throws IOException {
        return Files.createTempFile(dir, prefix, suffix, ownerOnly());
    }

    private PublishedFile(Path temp, Executor writerThreads, boolean fsync) throws IOException {
        this.temp = temp;
        this.threads = writerThreads;
        this.syncAhead = fsync;
        this.channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly());
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        this.sink = new Sink();
        this.stream = new BufferedOutputStream(sink, 64 * 1024);
        try {
            writerThreads.execute(this::writeLoop);
        } catch (RuntimeException e) {
            channel.close();
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * The writer thread: hashes and writes chunks in order while the export thread formats the next ones.
     * After a write error it keeps taking chunks (discarding them) so the export thread never blocks.
     */
    private void writeLoop() {
        try {
            while (true) {
                Chunk c = full.take();
                if (c.data() == END) {
                    break;
                }
                if (writeError == null) {
                    try {
                        hashAndWrite(c.data(), 0, c.length());
                    } catch (IOException e) {
                        writeError = e;
                    }
                }
                free.add(c.data());
                synchronized (counts) {
                    written++;
                    counts.notifyAll();
                }
            }
            writer.complete(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.completeExceptionally(e);
        } catch (RuntimeException | Error e) {
            writer.completeExceptionally(e);
        }
    }

    /** Hashes and writes bytes at the file's end; then, when the file is to be forced, maybe starts a background force. */
    private void hashAndWrite(byte[] b, int off, int len) throws IOException {
        sha256.update(b, off, len);
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        unsynced += len;
        if (syncAhead && unsynced >= SYNC_EVERY_MB * 1024L * 1024L && syncing.compareAndSet(false, true)) {
            unsynced = 0;
            try {
                threads.execute(() -> {
                    try {
                        channel.force(false);
                    } catch (IOException e) {
                        // Linux reports a write-back error to one fsync only: keep it for finish()
                        syncError = e;
                    } finally {
                        syncing.set(false);
                    }
                });
            } catch (RuntimeException e) {
                syncing.set(false); // no thread to spare: the final force does it all
            }
        }
    }

    /**
     * @param directory the output directory
     * @param jobId     the job's id
     * @param extension the format's extension
     * @return the temporary file name used for the job: hidden, and recognizable for recovery
     */
    public static Path tempPath(Path directory, String jobId, String extension) {
        return directory.resolve("." + jobId + "." + extension + ".tmp");
    }

    /**
     * Resolves a published file's name, as stored on a job, in the output directory — refusing anything that
     * is not a plain visible file name, so job data can never point outside the directory.
     *
     * @param directory the output directory
     * @param fileName  the job's file name
     * @return the file's path
     * @throws org.smsexport.StorageException when the name has a directory part, is absolute or hidden
     */
    public static Path inDirectory(Path directory, String fileName) {
        Path name = Path.of(fileName);
        if (name.getNameCount() != 1 || name.isAbsolute() || fileName.startsWith(".")) {
            throw new org.smsexport.StorageException("Job file name '" + fileName + "' is not a plain file name; refusing to touch it.");
        }
        return directory.resolve(name);
    }

    /**
     * @param fileName a file name in the output directory
     * @return whether it is a temporary file of this class
     */
    public static boolean isTemp(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(".tmp");
    }

    /**
     * @param temp          the temporary path (see {@link #tempPath})
     * @param writerThreads runs the thread that hashes and writes behind the exporter, and background forces
     * @param fsync         whether the file will be forced to disk by {@link #finish}: then it is forced in the
     *                      background as it grows, too
     * @return an open file, created owner read/write only where the file system has POSIX permissions
     * @throws IOException when the file cannot be created (exists, directory missing or read-only)
     */
    public static PublishedFile create(Path temp, Executor writerThreads, boolean fsync) throws IOException {
        return new PublishedFile(temp, writerThreads, fsync);
    }

    /** @return the stream to write the file's content to; closing it is not needed */
    public OutputStream stream() {
        return stream;
    }

    /**
     * Flushes, optionally forces to disk and closes the file, leaving it under its temporary name for an
     * {@link org.smsexport.spi.ExportStorage} to publish; then {@link #published()} says it is gone.
     *
     * @param fsync whether to force the file to disk
     * @return the size and hash of the file
     * @throws IOException when any step fails; the temporary file is then still there for {@link #close()}
     */
    public Result finish(boolean fsync) throws IOException {
        stream.flush();
        sink.handOver();
        endWriter();
        if (writeError != null) {
            throw writeError;
        }
        if (fsync) {
            awaitSync();
            if (syncError != null) {
                throw syncError;
            }
            channel.force(true);
        }
        channel.close();
        return new Result(size, HexFormat.of().formatHex(sha256.digest()));
    }

    /** @return the temporary file */
    public Path path() {
        return temp;
    }

    /** Records that a storage took the file (moved or uploaded and deleted it): {@link #close()} leaves it alone. */
    public void published() {
        finished = true;
    }

    /** Waits for a background force still running, so the file is not closed under it. */
    private void awaitSync() throws IOException {
        try {
            while (syncing.get()) {
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted while forcing " + temp.getFileName() + " to disk");
        }
    }

    /** Tells the writer thread there is no more, and waits until it has written everything. */
    private void endWriter() throws IOException {
        if (ended) {
            return;
        }
        ended = true;
        try {
            if (!writer.isDone()) {
                put(new Chunk(END, 0));
            }
            writer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted while finishing " + temp.getFileName());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("Writing " + temp.getFileName() + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Queues a chunk for the writer thread, failing instead of waiting forever if that thread is gone. */
    private void put(Chunk c) throws IOException {
        synchronized (counts) {
            handed++;
        }
        try {
            while (!full.offer(c, 100, TimeUnit.MILLISECONDS)) {
                checkWriterAlive();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted while writing " + temp.getFileName());
        }
    }

    /** Waits until the writer thread has written every chunk handed to it. */
    private void awaitWriter() throws IOException {
        try {
            synchronized (counts) {
                while (written < handed) {
                    counts.wait(100);
                    if (written < handed) {
                        checkWriterAlive();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted while writing " + temp.getFileName());
        }
    }

    private void checkWriterAlive() throws IOException {
        if (writer.isDone()) {
            throw new IOException("The writer thread of " + temp.getFileName() + " stopped");
        }
    }

    /** Closes the file and deletes it unless it was published. Never throws. */
    @Override
    public void close() {
        try {
            endWriter();
            awaitSync();
        } catch (IOException e) {
            // deleting below is what matters
        }
        try {
            channel.close();
        } catch (IOException e) {
            // deleting below is what matters
        }
        if (!finished) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(PublishedFile.class).warn("Could not delete temporary file {}: {}", temp,
                        e.toString());
            }
        }
    }

    /**
     * The published file's measurements.
     *
     * @param size   bytes
     * @param sha256 lower-case hex SHA-256
     */
    public record Result(long size, String sha256) {
    }

    /** Copies what the exporter writes into chunks and hands full ones to the writer thread. */
    private final class Sink extends OutputStream {
        private byte[] current;
        private int used;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= INLINE) {
                handOver();
                awaitWriter();
                if (writeError != null) {
                    throw writeError;
                }
                try {
                    hashAndWrite(b, off, len);
                } catch (IOException e) {
                    writeError = e;
                    throw e;
                }
                size += len;
                return;
            }
            while (len > 0) {
                if (writeError != null) {
                    throw writeError;
                }
                if (current == null) {
                    current = take();
                    used = 0;
                }
                int n = Math.min(len, CHUNK - used);
                System.arraycopy(b, off, current, used, n);
                used += n;
                off += n;
                len -= n;
                size += n;
                if (used == CHUNK) {
                    handOver();
                }
            }
        }

        void handOver() throws IOException {
            if (current != null && used > 0) {
                put(new Chunk(current, used));
                current = null;
            }
        }

        private byte[] take() throws IOException {
            try {
                byte[] b = free.poll();
                if (b == null && made < CHUNKS) {
                    // made as they are first needed: a small export's file takes one chunk, not four (1 MB)
                    made++;
                    return new byte[CHUNK];
                }
                while (b == null && (b = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
                    checkWriterAlive();
                }
                return b;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("Interrupted while writing " + temp.getFileName());
            }
        }
    }
}
