package org.smsexport.pdf.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;

/**
 * Deflates the parts of one PDF stream at a time into memory (level 1, the report's streams are repetitive operators),
 * reusing one {@link Deflater}: the tagged writer's content streams, fonts and profile, and the structure's object
 * streams. Not thread-safe; {@link #end()} frees the deflater.
 */
final class Flate {

    private final Deflater deflater = new Deflater(1);
    private final byte[] chunk = new byte[64 * 1024];
    private final ByteArrayOutputStream deflated;

    /** @param initial the bytes a typical stream deflates to */
    Flate(int initial) {
        this.deflated = new ByteArrayOutputStream(initial);
    }

    /** @return this, emptied for the next stream */
    Flate reset() {
        deflated.reset();
        return this;
    }

    /**
     * @param data   the next part of the stream
     * @param length its bytes
     * @return this
     */
    Flate add(byte[] data, int length) {
        deflater.setInput(data, 0, length);
        while (!deflater.needsInput()) {
            deflated.write(chunk, 0, deflater.deflate(chunk));
        }
        return this;
    }

    /**
     * @param data   the stream's last part
     * @param length its bytes
     * @return this, the stream whole
     */
    Flate finish(byte[] data, int length) {
        deflater.setInput(data, 0, length);
        deflater.finish();
        while (!deflater.finished()) {
            deflated.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.reset();
        return this;
    }

    /** @return the deflated bytes */
    int size() {
        return deflated.size();
    }

    /** @return a copy of the deflated stream */
    byte[] toByteArray() {
        return deflated.toByteArray();
    }

    /**
     * @param out where the deflated stream goes
     * @throws IOException when it fails
     */
    void writeTo(OutputStream out) throws IOException {
        deflated.writeTo(out);
    }

    /** Frees the deflater. */
    void end() {
        deflater.end();
    }
}
