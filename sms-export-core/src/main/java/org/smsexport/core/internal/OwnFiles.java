package org.smsexport.core.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.smsexport.StorageException;

/**
 * The files of ours that live in a directory other local users might write into (a shared output directory): a
 * metrics file, an audit trail, a link secret. Each is opened without following a symbolic link, and refused when
 * it is not a regular file of this process's user readable by its owner only, so a planted link or a planted
 * secret is an error instead of a write into someone else's file or links anyone can forge. Where the file system
 * has no POSIX permissions only the link check applies. Thread-safe.
 */
public final class OwnFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.complementOf(EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
    private static final int STICKY = 01000;

    private OwnFiles() {
    }

    /**
     * Opens one of our files, creating it owner-only when it is missing.
     *
     * @param file    the file
     * @param what    what it is, for the message ({@code "metrics file"})
     * @param options how to open it besides {@code CREATE} (e.g. {@code WRITE, APPEND})
     * @return the open channel
     * @throws IOException when it is a symbolic link, not a regular file, another user's, or readable by others
     */
    public static FileChannel open(Path file, String what, OpenOption... options) throws IOException {
        Set<OpenOption> o = new java.util.HashSet<>(Arrays.asList(options));
        o.add(StandardOpenOption.CREATE);
        o.add(LinkOption.NOFOLLOW_LINKS);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, o, PublishedFile.ownerOnly());
        } catch (java.nio.file.FileSystemException e) {
            checkPrivate(file, what); // a planted link: said in words
            throw e;
        }
        try {
            checkPrivate(file, what);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * @param file a path
     * @return the identity (device and inode) of the file the path names now, not following a link; null when there is
     *         none or the file system gives files no identity
     */
    public static Object identity(Path file) {
        try {
            return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * @param file a file of ours that holds personal data or a secret
     * @param what what it is, for the message
     * @throws IOException when it is a symbolic link, not a regular file, another user's, or readable or writable by others
     */
    public static void checkPrivate(Path file, String what) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new IOException("The " + what + " " + file + " is a symbolic link; refused (someone who can write into "
                    + file.getParent() + " may have planted it). Remove it, and keep others from writing into that directory.");
        }
        if (!POSIX) {
            return;
        }
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new IOException("The " + what + " " + file + " is not a regular file; refused.");
        }
        Optional<UserPrincipal> me = me();
        if (me.isPresent() && !me.get().equals(a.owner())) {
            throw new IOException("The " + what + " " + file + " belongs to " + a.owner().getName() + ", not to " + me.get().getName()
                    + " who runs sms-export; refused (it may have been planted). Remove it; a new one is made.");
        }
        Set<PosixFilePermission> extra = EnumSet.copyOf(a.permissions());
        extra.retainAll(OTHERS);
        if (!extra.isEmpty()) {
            throw new IOException("The " + what + " " + file + " is " + PosixFilePermissions.toString(a.permissions())
                    + "; it must be readable by its owner only: chmod 600 " + file + ".");
        }
    }

    /**
     * Creates the output directory (and its missing parents) readable by this user only, and refuses one that other
     * users may write into: someone who can add files there can plant links and secrets. A sticky directory
     * ({@code chmod +t}, like {@code /tmp}) is allowed, as others cannot replace or remove our files there and ours are
     * always created new.
     *
     * @param dir the directory
     * @return whether it was created
     * @throws StorageException when it cannot be created or others may write into it
     */
    public static boolean outputDirectory(Path dir) {
        boolean created = false;
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, POSIX ? new java.nio.file.attribute.FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE))}
                        : new java.nio.file.attribute.FileAttribute<?>[0]);
                created = true;
            }
        } catch (IOException e) {
            throw new StorageException("Output directory '" + dir.toAbsolutePath() + "' could not be created: " + e
                    + ". Create it, or point EXPORT_OUTPUT_DIR at a writable directory.");
        }
        if (!POSIX) {
            return created;
        }
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(dir);
            boolean othersWrite = p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE);
            if (othersWrite && !sticky(dir)) {
                throw new StorageException("Output directory '" + dir.toAbsolutePath() + "' is " + PosixFilePermissions.toString(p)
                        + ": other users may write into it and could plant files the exports trust (links, secrets). Run chmod go-w "
                        + dir.toAbsolutePath() + " (or chmod +t for a shared directory), or point EXPORT_OUTPUT_DIR elsewhere.");
            }
        } catch (IOException e) {
            throw new StorageException("Output directory '" + dir.toAbsolutePath() + "' could not be checked: " + e + ".");
        }
        return created;
    }

    private static boolean sticky(Path dir) {
        try {
            Object mode = Files.getAttribute(dir, "unix:mode");
            return mode instanceof Integer m && (m & STICKY) != 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // no way to tell: treated as not sticky
        }
    }

    private static Optional<UserPrincipal> me() {
        try {
            return Optional.of(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name")));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty(); // a user without a name (a container's bare uid): the permission check still applies
        }
    }
}
