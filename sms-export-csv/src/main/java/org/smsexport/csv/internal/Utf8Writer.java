package org.smsexport.csv.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/**
 * A {@link Writer} that encodes UTF-8 itself straight into a large byte buffer and hands the stream
 * 256 KB writes. The JDK's {@code OutputStreamWriter} goes through a {@code CharsetEncoder} and small
 * buffers; CSV is mostly ASCII, which this writer copies with one comparison per character. A lone
 * surrogate (not representable in UTF-8) becomes U+FFFD. Never closes the stream. Not thread-safe.
 */
public final class Utf8Writer extends Writer {

    private static final int DEFAULT_SIZE = 256 * 1024;

    private final OutputStream out;
    private final byte[] buf;
    private final int limit;
    private int pos;
    private char pendingHigh;

    /**
     * @param out where bytes go; not closed by this writer
     */
    public Utf8Writer(OutputStream out) {
        this.out = out;
        this.buf = new byte[DEFAULT_SIZE];
        // room for one 4-byte sequence after the check
        this.limit = DEFAULT_SIZE - 4;
    }

    /**
     * Writes the UTF-8 byte order mark.
     *
     * @throws IOException when the stream fails
     */
    public void writeBom() throws IOException {
        write('\uFEFF');
    }

    @Override
    public void write(int c) throws IOException {
        if (pos >= limit) {
            drain();
        }
        encode((char) c);
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
        for (int i = off, end = off + len; i < end; i++) {
            if (pos >= limit) {
                drain();
            }
            char c = s.charAt(i);
            if (c < 0x80 && pendingHigh == 0) {
                buf[pos++] = (byte) c;
            } else {
                encode(c);
            }
        }
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        for (int i = off, end = off + len; i < end; i++) {
            if (pos >= limit) {
                drain();
            }
            char c = cbuf[i];
            if (c < 0x80 && pendingHigh == 0) {
                buf[pos++] = (byte) c;
            } else {
                encode(c);
            }
        }
    }

    private void encode(char c) {
        if (pendingHigh != 0) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(c)) {
                int cp = Character.toCodePoint(high, c);
                buf[pos++] = (byte) (0xF0 | cp >> 18);
                buf[pos++] = (byte) (0x80 | cp >> 12 & 0x3F);
                buf[pos++] = (byte) (0x80 | cp >> 6 & 0x3F);
                buf[pos++] = (byte) (0x80 | cp & 0x3F);
                return;
            }
            replacement();
            if (pos >= limit) {
                drainUnchecked();
            }
        }
        if (c < 0x80) {
            buf[pos++] = (byte) c;
        } else if (c < 0x800) {
            buf[pos++] = (byte) (0xC0 | c >> 6);
            buf[pos++] = (byte) (0x80 | c & 0x3F);
        } else if (Character.isHighSurrogate(c)) {
            pendingHigh = c;
        } else if (Character.isLowSurrogate(c)) {
            replacement();
        } else {
            buf[pos++] = (byte) (0xE0 | c >> 12);
            buf[pos++] = (byte) (0x80 | c >> 6 & 0x3F);
            buf[pos++] = (byte) (0x80 | c & 0x3F);
        }
    }

    private void replacement() {
        buf[pos++] = (byte) 0xEF;
        buf[pos++] = (byte) 0xBF;
        buf[pos++] = (byte) 0xBD;
    }

    private void drainUnchecked() {
        try {
            drain();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void drain() throws IOException {
        out.write(buf, 0, pos);
        pos = 0;
    }

    /**
     * Writes buffered bytes and flushes the stream. A high surrogate still waiting for its pair is written
     * as U+FFFD.
     */
    @Override
    public void flush() throws IOException {
        if (pendingHigh != 0) {
            pendingHigh = 0;
            replacement();
        }
        drain();
        out.flush();
    }

    /** Flushes; does not close the stream, which belongs to the caller. */
    @Override
    public void close() throws IOException {
        flush();
    }
}
