package org.smsexport.core.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A file of ours kept open between writes (the audit trail, the metrics file) instead of opened, checked and closed for
 * each record: opened again when its path names another file than the one held — rotated or rewritten by another
 * writer, deleted, replaced — and, on file systems that give files no identity, every time. Opened owner-only and
 * never through a link ({@link OwnFiles#open}), its directory created when missing. Not thread-safe: its owner guards it.
 */
public final class HeldFile {

    private final Path file;
    private final String what;
    private final OpenOption[] options;
    private FileChannel channel;
    private Object identity;

    /**
     * @param file    the file
     * @param what    what it is, for messages ("audit trail")
     * @param options how it is opened (with {@code CREATE} added)
     */
    public HeldFile(Path file, String what, OpenOption... options) {
        this.file = file;
        this.what = what;
        this.options = options.clone();
    }

    /**
     * @return the channel to the file the path names now; a different object than before when it was opened again
     * @throws IOException when it cannot be opened, or is not a private file of ours
     */
    public FileChannel channel() throws IOException {
        if (channel != null && identity != null && identity.equals(OwnFiles.identity(file))) {
            return channel;
        }
        close();
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        channel = OwnFiles.open(file, what, options);
        identity = OwnFiles.identity(file);
        return channel;
    }

    /** Closes the file held, if any; the next {@link #channel()} opens it again. */
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing is buffered here: what was written went to the file system
            }
            channel = null;
            identity = null;
        }
    }
}
