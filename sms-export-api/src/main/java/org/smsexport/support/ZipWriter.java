package org.smsexport.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a zip archive around entry data deflated elsewhere ({@link ZipPipe} deflates in parallel, which
 * {@link java.util.zip.ZipOutputStream} cannot take): local headers, data descriptors, the central directory, and ZIP64
 * records where sizes, offsets or the entry count outgrow the classic fields — the same choices as the JDK's writer (a
 * deflated entry's header says sizes follow in a descriptor; the descriptor's sizes are 8 bytes once either is 4 GB or
 * more; the central directory carries a ZIP64 extra field for what does not fit). Names are UTF-8 (flag bit 11). Not
 * thread-safe.
 */
final class ZipWriter {

    private static final long MAX32 = 0xFFFFFFFFL;
    private static final int MAX16 = 0xFFFF;
    private static final int DEFLATED = 8;
    private static final int STORED = 0;
    /** Bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8. */
    private static final int FLAG_DESCRIPTOR = 0x08;
    private static final int FLAG_UTF8 = 0x800;

    private record Entry(byte[] name, int method, int flags, long crc, long compressed, long size, long offset) {
        boolean zip64() {
            return compressed >= MAX32 || size >= MAX32 || offset >= MAX32;
        }
    }

    private final OutputStream out;
    private final List<Entry> entries = new ArrayList<>();
    private final int dosTime;
    private long written;
    private byte[] openName;
    private long openOffset;
    private long openCompressed;

    /** @param out where the archive goes; not closed */
    ZipWriter(OutputStream out) {
        this.out = out;
        LocalDateTime t = LocalDateTime.now();
        this.dosTime = (t.getYear() - 1980) << 25 | t.getMonthValue() << 21 | t.getDayOfMonth() << 16 | t.getHour() << 11
                | t.getMinute() << 5 | t.getSecond() >> 1;
    }

    /** Starts a deflated entry whose data follows through {@link #data} and ends with {@link #endDeflated}. */
    void startDeflated(String name) throws IOException {
        openName = name.getBytes(StandardCharsets.UTF_8);
        openOffset = written;
        openCompressed = 0;
        localHeader(openName, DEFLATED, FLAG_DESCRIPTOR | FLAG_UTF8, 0, 0, 0);
    }

    /** Deflated bytes of the open entry. */
    void data(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        written += len;
        openCompressed += len;
    }

    /**
     * Ends the open entry with its data descriptor.
     *
     * @param crc  the CRC-32 of its uncompressed bytes
     * @param size its uncompressed bytes
     */
    void endDeflated(long crc, long size) throws IOException {
        Entry e = new Entry(openName, DEFLATED, FLAG_DESCRIPTOR | FLAG_UTF8, crc, openCompressed, size, openOffset);
        int4(0x08074b50);
        int4(crc);
        if (e.compressed() >= MAX32 || e.size() >= MAX32) {
            int8(e.compressed());
            int8(e.size());
        } else {
            int4(e.compressed());
            int4(e.size());
        }
        entries.add(e);
        openName = null;
    }

    /** An entry stored whole and uncompressed, its sizes and CRC in its header and no descriptor or extra field (ODF's mimetype). */
    void stored(String name, byte[] data, long crc) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        Entry e = new Entry(n, STORED, FLAG_UTF8, crc, data.length, data.length, written);
        localHeader(n, STORED, FLAG_UTF8, crc, data.length, data.length);
        out.write(data);
        written += data.length;
        entries.add(e);
    }

    private void localHeader(byte[] name, int method, int flags, long crc, long compressed, long size) throws IOException {
        int4(0x04034b50);
        int2(20);
        int2(flags);
        int2(method);
        int4(dosTime);
        int4(crc);
        int4(compressed);
        int4(size);
        int2(name.length);
        int2(0);
        out.write(name);
        written += name.length;
    }

    /** Writes the central directory and the end records. */
    void finish() throws IOException {
        long directory = written;
        for (Entry e : entries) {
            boolean big = e.zip64();
            int extra = (e.size() >= MAX32 ? 8 : 0) + (e.compressed() >= MAX32 ? 8 : 0) + (e.offset() >= MAX32 ? 8 : 0);
            int4(0x02014b50);
            int2(big ? 45 : 20);
            int2(big ? 45 : 20);
            int2(e.flags());
            int2(e.method());
            int4(dosTime);
            int4(e.crc());
            int4(Math.min(e.compressed(), MAX32));
            int4(Math.min(e.size(), MAX32));
            int2(e.name().length);
            int2(extra == 0 ? 0 : extra + 4);
            int2(0);
            int2(0);
            int2(0);
            int4(0);
            int4(Math.min(e.offset(), MAX32));
            out.write(e.name());
            written += e.name().length;
            if (extra > 0) {
                // in this order, each only when its field above says 0xFFFFFFFF
                int2(0x0001);
                int2(extra);
                if (e.size() >= MAX32) {
                    int8(e.size());
                }
                if (e.compressed() >= MAX32) {
                    int8(e.compressed());
                }
                if (e.offset() >= MAX32) {
                    int8(e.offset());
                }
            }
        }
        long size = written - directory;
        if (entries.size() >= MAX16 || size >= MAX32 || directory >= MAX32) {
            long zip64End = written;
            int4(0x06064b50);
            int8(44);
            int2(45);
            int2(45);
            int4(0);
            int4(0);
            int8(entries.size());
            int8(entries.size());
            int8(size);
            int8(directory);
            int4(0x07064b50);
            int4(0);
            int8(zip64End);
            int4(1);
        }
        int4(0x06054b50);
        int2(0);
        int2(0);
        int2(Math.min(entries.size(), MAX16));
        int2(Math.min(entries.size(), MAX16));
        int4(Math.min(size, MAX32));
        int4(Math.min(directory, MAX32));
        int2(0);
        out.flush();
    }

    private void int2(int v) throws IOException {
        out.write(v & 0xFF);
        out.write(v >>> 8 & 0xFF);
        written += 2;
    }

    private void int4(long v) throws IOException {
        int2((int) (v & 0xFFFF));
        int2((int) (v >>> 16 & 0xFFFF));
    }

    private void int8(long v) throws IOException {
        int4(v & MAX32);
        int4(v >>> 32);
    }
}
