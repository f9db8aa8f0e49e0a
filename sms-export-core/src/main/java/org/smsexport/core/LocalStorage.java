package org.smsexport.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.smsexport.core.internal.PublishedFile;
import org.smsexport.spi.ExportStorage;

/**
 * The default {@link ExportStorage}: files stay in the output directory, published by one atomic rename (and a
 * directory fsync when the service fsyncs). Several nodes may share the directory over NFS. Archiving renames into
 * the archive directory on the same file system, else copies, verifies the SHA-256, renames and deletes. Names
 * with a directory part, absolute or hidden ones are refused, so job data never points outside the directory.
 */
public final class LocalStorage implements ExportStorage {

    private final Path directory;
    private final boolean fsync;

    /**
     * @param directory the output directory
     * @param fsync     whether publishing forces the directory entry to disk
     */
    public LocalStorage(Path directory, boolean fsync) {
        this.directory = directory;
        this.fsync = fsync;
    }

    /**
     * The storage {@code EXPORT_STORAGE} names: the output directory ({@code local}), or the one a discovered
     * {@link org.smsexport.spi.StorageProvider} of that name makes.
     *
     * @param config      the settings ({@code storage()}, {@code outputDirectory()}, {@code fsync()})
     * @param settings    every setting, for the provider's own keys ({@code EXPORT_S3_*})
     * @param classLoader where providers are discovered, or {@code null} for the thread's context loader
     * @return the storage
     * @throws org.smsexport.InvalidRequestException when no storage has that name, naming those there are
     * @throws org.smsexport.ProviderException when a provider cannot be loaded
     */
    public static ExportStorage configured(ExportConfig config, java.util.Map<String, String> settings, ClassLoader classLoader) {
        if (config.storage().equals(ExportConfig.LOCAL_STORAGE)) {
            return new LocalStorage(config.outputDirectory(), config.fsync());
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.ServiceLoader<org.smsexport.spi.StorageProvider> loader = classLoader == null
                ? java.util.ServiceLoader.load(org.smsexport.spi.StorageProvider.class)
                : java.util.ServiceLoader.load(org.smsexport.spi.StorageProvider.class, classLoader);
        try {
            for (org.smsexport.spi.StorageProvider p : loader) {
                if (p.name().equals(config.storage())) {
                    return p.create(settings, config.outputDirectory());
                }
                names.add(p.name());
            }
        } catch (java.util.ServiceConfigurationError e) {
            throw new org.smsexport.ProviderException("A storage provider could not be loaded: " + e.getMessage(), e);
        }
        names.add(0, ExportConfig.LOCAL_STORAGE);
        throw new org.smsexport.InvalidRequestException("EXPORT_STORAGE='" + config.storage() + "' is not a storage here; "
                + "choose one of " + names + (config.storage().equals("s3") ? " (s3 needs the sms-export-s3 module on the "
                + "class path)" : "") + ".");
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void publish(Path temp, String name, String sha256) throws IOException {
        Path target = resolve(name);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("The file system of " + directory + " cannot rename atomically", e);
        }
        if (fsync) {
            try (FileChannel d = FileChannel.open(directory, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException | UnsupportedOperationException e) {
                // not every platform can sync a directory; the file itself is already on disk
            }
        }
    }

    @Override
    public long size(String name) throws IOException {
        Path f = resolve(name);
        if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(f.toString());
        }
        return Files.size(f);
    }

    @Override
    public InputStream open(String name) throws IOException {
        // a published file replaced by a link to another file is not served
        return Files.newInputStream(resolve(name), StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public Optional<Path> localFile(String name) {
        return Optional.of(resolve(name));
    }

    @Override
    public boolean delete(String name) throws IOException {
        return Files.deleteIfExists(resolve(name));
    }

    @Override
    public String archive(String name, Path archiveDirectory, Optional<String> sha256) throws IOException {
        Path source = resolve(name);
        if (!Files.exists(source)) {
            throw new NoSuchFileException(source.toString());
        }
        Path archive = archiveDirectory.toAbsolutePath().normalize();
        Path target = archive.resolve(source.getFileName());
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "an archived file of that name exists; not overwritten");
        }
        Files.createDirectories(archive);
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            return target.toString();
        } catch (AtomicMoveNotSupportedException e) {
            // another file system: copy, check, then delete
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        try {
            if (sha256.isPresent() && !sha256.get().equals(sha256(temp))) {
                throw new IOException("the copy in the archive does not match the file's SHA-256; source kept");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        Files.delete(source);
        return target.toString();
    }

    @Override
    public String archiveLocation(Path archiveDirectory) {
        return archiveDirectory.toAbsolutePath().normalize().toString();
    }

    @Override
    public List<StoredFile> list() throws IOException {
        List<StoredFile> out = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (n.startsWith(".")) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    out.add(new StoredFile(n, a.size(), a.lastModifiedTime().toInstant()));
                }
            }
        }
        return out;
    }

    @Override
    public String describe(String name) {
        return resolve(name).toString();
    }

    private Path resolve(String name) {
        return PublishedFile.inDirectory(directory, name);
    }

    private static String sha256(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "LocalStorage[" + directory + "]";
    }
}
