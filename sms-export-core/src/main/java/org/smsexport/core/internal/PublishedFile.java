package org.smsexport.core.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * A file being written under a temporary name in the output directory, readable by its owner only, hashed
 * (SHA-256) and counted as it is written, then forced to disk and atomically renamed to its final name —
 * or deleted. Nothing half-written is ever visible under a final name. Used by one thread.
 */
public final class PublishedFile implements AutoCloseable {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private final Path temp;
    private final FileChannel channel;
    private final MessageDigest sha256;
    private final OutputStream stream;
    private long size;
    private boolean finished;

    private PublishedFile(Path temp) throws IOException {
        this.temp = temp;
        FileAttribute<?>[] attrs = POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
            : new FileAttribute<?>[0];
        this.channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs);
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        this.stream = new BufferedOutputStream(new Sink(), 64 * 1024);
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
     * @param fileName a file name in the output directory
     * @return whether it is a temporary file of this class
     */
    public static boolean isTemp(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(".tmp");
    }

    /**
     * @param temp the temporary path (see {@link #tempPath})
     * @return an open file, created owner read/write only where the file system has POSIX permissions
     * @throws IOException when the file cannot be created (exists, directory missing or read-only)
     */
    public static PublishedFile create(Path temp) throws IOException {
        return new PublishedFile(temp);
    }

    /** @return the stream to write the file's content to; closing it is not needed */
    public OutputStream stream() {
        return stream;
    }

    /**
     * Flushes, optionally forces to disk, closes, and renames the file atomically to {@code target}.
     *
     * @param target the final path, in the same directory
     * @param fsync  whether to force the file and the directory entry to disk
     * @return the size and hash of the published file
     * @throws IOException when any step fails; the temporary file is then still there for {@link #close()}
     */
    public Result publish(Path target, boolean fsync) throws IOException {
        stream.flush();
        if (fsync) {
            channel.force(true);
        }
        channel.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("The file system of " + target.getParent() + " cannot rename atomically", e);
        }
        finished = true;
        if (fsync) {
            forceDirectory(target.getParent());
        }
        return new Result(size, HexFormat.of().formatHex(sha256.digest()));
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can sync a directory; the file itself is already on disk
        }
    }

    /** Closes the file and deletes it unless it was published. Never throws. */
    @Override
    public void close() {
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

    /** Hashes and writes everything handed to it; BufferedOutputStream passes large writes straight through. */
    private final class Sink extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            sha256.update(b, off, len);
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            size += len;
        }
    }
}
