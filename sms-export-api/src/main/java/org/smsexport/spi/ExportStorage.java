package org.smsexport.spi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where finished export files live. The service writes and hashes every file locally, under a temporary name in
 * its output directory, then hands it to {@link #publish}; a job is COMPLETED only after that returned. Names are
 * the plain file names jobs record ({@code students_20261201T101500Z_k3….csv}); a storage maps them to its own
 * keys. The default is the output directory itself ({@code LocalStorage} in core); {@code sms-export-s3} keeps
 * files in an S3 bucket, so any node serves any file. Implementations must be thread-safe.
 *
 * <p>Contract (the test kit's {@code ExportStorageContract} checks it): what {@link #publish} did not finish leaves
 * nothing under the name; {@link #open} of a missing name throws {@link java.nio.file.NoSuchFileException};
 * {@link #delete} of a missing name returns {@code false}; {@link #archive} never overwrites.
 */
public interface ExportStorage extends AutoCloseable {

    /** @return a short name for messages and {@code EXPORT_STORAGE}: {@code local}, {@code s3} */
    String name();

    /**
     * Makes a finished file visible under a name. On success the temporary file is gone (moved or uploaded, then
     * deleted); on failure nothing is visible under the name and the caller deletes the temporary file.
     *
     * @param temp   the finished file: closed, forced to disk when the service fsyncs
     * @param name   the plain file name the job records
     * @param sha256 the file's SHA-256, lower-case hex, computed as it was written
     * @throws IOException when it cannot be published; the message says why, for the job's error
     */
    void publish(Path temp, String name, String sha256) throws IOException;

    /**
     * @param name a published name
     * @return its size in bytes
     * @throws java.nio.file.NoSuchFileException when nothing is published under the name
     * @throws IOException when the storage cannot be asked
     */
    long size(String name) throws IOException;

    /**
     * @param name a published name
     * @return its content, which the caller closes
     * @throws java.nio.file.NoSuchFileException when nothing is published under the name
     * @throws IOException when it cannot be read
     */
    InputStream open(String name) throws IOException;

    /**
     * @param name    a published name
     * @param expires when the URL must stop working
     * @return a URL a browser can fetch the file from directly until {@code expires} (a presigned GET), or empty
     *         when this storage cannot sign one and the service streams the file instead
     */
    default Optional<URI> downloadUrl(String name, Instant expires) {
        return Optional.empty();
    }

    /**
     * @param name a published name
     * @return the file on this machine's disk, when the storage keeps it there
     */
    default Optional<Path> localFile(String name) {
        return Optional.empty();
    }

    /**
     * @param name a published name
     * @return {@code true} when something was deleted, {@code false} when nothing was published under the name
     * @throws IOException when it cannot be deleted
     */
    boolean delete(String name) throws IOException;

    /**
     * Moves a published file into the archive, verifying the copy where the move is not a single rename.
     *
     * @param name             a published name
     * @param archiveDirectory the configured archive directory ({@code EXPORT_ARCHIVE_PATH}); a storage with an
     *                         archive of its own (S3: the prefix + {@code archive/}) ignores it
     * @param sha256           the file's SHA-256, to check a copy against
     * @return where the file is now, as the job's {@code archive_path} records it
     * @throws java.nio.file.FileAlreadyExistsException when the archive has a file of that name (never overwritten)
     * @throws java.nio.file.NoSuchFileException        when nothing is published under the name
     * @throws IOException                              when it cannot be moved; the file is then where it was
     */
    String archive(String name, Path archiveDirectory, Optional<String> sha256) throws IOException;

    /**
     * @param archiveDirectory the configured archive directory
     * @return where {@link #archive} puts files, for reports
     */
    String archiveLocation(Path archiveDirectory);

    /**
     * @return every published (not archived) file, for cleanup of files no job refers to any more
     * @throws IOException when the storage cannot be listed
     */
    List<StoredFile> list() throws IOException;

    /**
     * @param name a published name
     * @return where it is, for people: a path, or {@code s3://bucket/key}
     */
    String describe(String name);

    /** Releases clients and connections; called once by the service's {@code close()}. */
    @Override
    default void close() {
    }

    /**
     * A published file.
     *
     * @param name         its plain name
     * @param size         bytes
     * @param lastModified when it was published
     */
    record StoredFile(String name, long size, Instant lastModified) {
    }
}
