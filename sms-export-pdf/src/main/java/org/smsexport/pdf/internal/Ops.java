package org.smsexport.pdf.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for PDF content-stream operators: ASCII, numbers with two decimals and glyph ids
 * as hex, appended without creating a String per value. Not thread-safe.
 */
final class Ops {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int size;

    Ops(int capacity) {
        buf = new byte[capacity];
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    Ops ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
        return this;
    }

    Ops ascii(char c) {
        ensure(1);
        buf[size++] = (byte) c;
        return this;
    }

    /** Appends a number rounded to two decimals and a space: "12.5 ", "-3 ". */
    Ops num(float value) {
        long v = Math.round(value * 100.0);
        ensure(24);
        if (v < 0) {
            buf[size++] = '-';
            v = -v;
        }
        digits(v / 100);
        int frac = (int) (v % 100);
        if (frac != 0) {
            buf[size++] = '.';
            buf[size++] = (byte) ('0' + frac / 10);
            if (frac % 10 != 0) {
                buf[size++] = (byte) ('0' + frac % 10);
            }
        }
        buf[size++] = ' ';
        return this;
    }

    private void digits(long v) {
        if (v <= Integer.MAX_VALUE) {
            digits((int) v);
            return;
        }
        digits(v / 1_000_000_000L);
        int low = (int) (v % 1_000_000_000L);
        for (int i = size + 8; i >= size; i--) {
            buf[i] = (byte) ('0' + low % 10);
            low /= 10;
        }
        size += 9;
    }

    private void digits(int v) {
        int n = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10_000 ? 4 : v < 100_000 ? 5 : v < 1_000_000 ? 6 : v < 10_000_000 ? 7
                : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
        int end = size + n;
        for (int i = end - 1; i >= size; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        size = end;
    }

    /** Appends a whole number without a space. */
    Ops integer(long value) {
        ensure(21);
        if (value < 0) {
            buf[size++] = '-';
            value = -value;
        }
        digits(value);
        return this;
    }

    /** Appends a 16-bit glyph id as four hex digits. */
    Ops hex4(int glyph) {
        ensure(4);
        buf[size++] = HEX[(glyph >>> 12) & 0xF];
        buf[size++] = HEX[(glyph >>> 8) & 0xF];
        buf[size++] = HEX[(glyph >>> 4) & 0xF];
        buf[size++] = HEX[glyph & 0xF];
        return this;
    }

    Ops append(Ops other) {
        ensure(other.size);
        System.arraycopy(other.buf, 0, buf, size, other.size);
        size += other.size;
        return this;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    /** @return the buffer itself, valid up to {@link #size()} until the next append */
    byte[] buffer() {
        return buf;
    }

    @Override
    public String toString() {
        return new String(buf, 0, size, StandardCharsets.ISO_8859_1);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
