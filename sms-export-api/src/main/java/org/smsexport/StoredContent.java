package org.smsexport;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A published export file being read, wherever it is stored: its name, its size in bytes and its content. Close
 * it (or its stream) when done.
 *
 * @param name   the file name the job records
 * @param size   bytes
 * @param stream the content
 */
public record StoredContent(String name, long size, InputStream stream) implements AutoCloseable {

    /** Checks for nulls. */
    public StoredContent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(stream, "stream");
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
