package org.smsexport.support;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.smsexport.spi.Exporter;

/**
 * A zip archive whose deflating runs beside the exporter, for formats that are zipped XML (XLSX, ODS): the exporter's
 * thread writes entry data here in 256 KB chunks and goes on producing XML while the chunks are deflated — by the zip
 * thread, and in parallel by a helper thread while it holds one of the JVM's cores ({@link ExportThreads#claimCore}) —
 * and written in order. Each chunk is deflated on its own (level 1) with the previous chunk's last 32 KB as its
 * dictionary and ends on a byte boundary (a sync flush), so the chunks join into one deflate stream as pigz joins them;
 * an entry ends with an empty final block. {@link ZipWriter} writes the archive's records (ZIP64 where needed). Entries,
 * data and the end of the archive reach the zip thread in order through one queue; an entry can also be stored
 * uncompressed ({@link #putStoredEntry}, as ODF wants its {@code mimetype}). Written by one producer thread; the target
 * stream is only touched by the zip thread until {@link #finish()} returns. Close it (after {@link #finish()}, or instead
 * of it on failure) to stop the threads.
 */
public final class ZipPipe extends OutputStream {

    private static final int CHUNK = 256 * 1024;
    /** Chunks the producer fills while earlier ones are deflated and written. */
    private static final int CHUNKS = 6;
    private static final int WINDOW = 32 * 1024;
    /** A final, empty, fixed-Huffman deflate block: the end of an entry's stream of sync-flushed chunks. */
    private static final byte[] LAST_BLOCK = {0x03, 0x00};

    private enum Kind { ENTRY, STORED, DATA, CLOSE, FINISH, ABORT }

    private record Msg(Kind kind, String name, byte[] data, int length) {
    }

    /** One chunk of an entry on its way: deflated by whichever thread takes it first, written by the zip thread in order. */
    private static final class Block {
        static final int WAITING = 0;
        static final int TAKEN = 1;
        final byte[] data;
        final int length;
        final byte[] dictionary;
        final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger(WAITING);
        final CountDownLatch deflated = new CountDownLatch(1);
        byte[] out;
        int outLength;
        RuntimeException error;

        Block(byte[] data, int length, byte[] dictionary) {
            this.data = data;
            this.length = length;
            this.dictionary = dictionary;
        }

        boolean take() {
            return state.compareAndSet(WAITING, TAKEN);
        }

        /** Deflates the chunk with a sync flush; the result is visible once {@link #deflated} is counted down. */
        void deflate(Deflater d) {
            try {
                d.reset();
                if (dictionary != null) {
                    d.setDictionary(dictionary);
                }
                d.setInput(data, 0, length);
                byte[] o = new byte[Math.max(4096, length / 4)];
                int n = 0;
                while (true) {
                    n += d.deflate(o, n, o.length - n, Deflater.SYNC_FLUSH);
                    if (n < o.length) {
                        break;
                    }
                    o = java.util.Arrays.copyOf(o, o.length * 2);
                }
                out = o;
                outLength = n;
            } catch (RuntimeException e) {
                error = e;
            } finally {
                deflated.countDown();
            }
        }
    }

    private final BlockingQueue<Msg> queue = new ArrayBlockingQueue<>(CHUNKS + 4);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    /** Chunks the helper may take, in order. */
    private final BlockingQueue<Block> offered = new java.util.concurrent.LinkedBlockingQueue<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final String format;
    private volatile Throwable error;
    private volatile boolean stopped;
    private byte[] current;
    private int used;
    private boolean finished;
    private boolean core;

    /**
     * @param target where the archive goes; not closed
     * @param format the format's id ({@code xlsx}): the zip thread is {@code sms-export-<format>-zip-<n>}, its helper
     *               {@code sms-export-<format>-deflate-<n>}, and messages name it
     */
    public ZipPipe(OutputStream target, String format) {
        this.format = format;
        // the producing thread holds a core for the archive, as CSV's calling thread does: two archives at once on two
        // cores leave their helpers idle instead of running six busy threads
        this.core = ExportThreads.claimCore();
        for (int i = 0; i < CHUNKS; i++) {
            free.add(new byte[CHUNK]);
        }
        ExportThreads.start(format + "-zip", () -> run(target));
        ExportThreads.start(format + "-deflate", this::help);
    }

    /** The helper: deflates offered chunks while it holds a core, until the archive is done. */
    private void help() {
        Deflater d = new Deflater(Deflater.BEST_SPEED, true);
        try {
            while (!stopped) {
                Block b = offered.poll(100, TimeUnit.MILLISECONDS);
                // a core of the JVM's first, or none: then the zip thread deflates it (other exports' threads hold them
                // all); a chunk once taken is always deflated by its taker, as the zip thread may be waiting for it
                if (b == null || !ExportThreads.claimCore()) {
                    continue;
                }
                try {
                    if (b.take()) {
                        b.deflate(d);
                    }
                } finally {
                    ExportThreads.releaseCore();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            d.end();
        }
    }

    private void run(OutputStream target) {
        Deflater d = new Deflater(Deflater.BEST_SPEED, true);
        java.util.ArrayDeque<Block> pending = new java.util.ArrayDeque<>();
        ZipWriter zip = new ZipWriter(Exporter.keepingOpen(target));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        long size = 0;
        byte[] window = null;
        try {
            while (true) {
                Msg m = queue.poll();
                if (m == null && error == null) {
                    try {
                        // deflate what is waiting rather than sit idle: the oldest first, so writing can go on
                        if (work(pending, d, zip)) {
                            continue;
                        }
                        if (!pending.isEmpty()) {
                            // the helper has them all: wait for the oldest, whose buffer the producer may be waiting for
                            finishOldest(pending, d, zip);
                            continue;
                        }
                    } catch (IOException | RuntimeException e) {
                        fail(e, pending);
                        continue;
                    }
                }
                if (m == null) {
                    m = queue.take();
                }
                if (error != null && m.kind() != Kind.FINISH && m.kind() != Kind.ABORT) {
                    recycle(m);
                    continue;
                }
                try {
                    switch (m.kind()) {
                        case ENTRY:
                            zip.startDeflated(m.name());
                            crc.reset();
                            size = 0;
                            window = null;
                            break;
                        case STORED:
                            java.util.zip.CRC32 whole = new java.util.zip.CRC32();
                            whole.update(m.data(), 0, m.length());
                            zip.stored(m.name(), m.data(), whole.getValue()); // putStoredEntry handed over a copy of its own
                            break;
                        case DATA:
                            crc.update(m.data(), 0, m.length());
                            size += m.length();
                            Block b = new Block(m.data(), m.length(), window);
                            int keep = Math.min(WINDOW, m.length());
                            window = java.util.Arrays.copyOfRange(m.data(), m.length() - keep, m.length());
                            pending.add(b);
                            offered.add(b);
                            write(pending, zip);
                            if (pending.size() >= CHUNKS - 1) {
                                // the producer is about to wait for a chunk: free the oldest
                                finishOldest(pending, d, zip);
                            }
                            break;
                        case CLOSE:
                            while (!pending.isEmpty()) {
                                finishOldest(pending, d, zip);
                            }
                            zip.data(LAST_BLOCK, 0, LAST_BLOCK.length);
                            zip.endDeflated(crc.getValue(), size);
                            break;
                        case FINISH:
                            if (error == null) {
                                zip.finish();
                            }
                            return;
                        case ABORT:
                            return;
                        default:
                            throw new AssertionError(m.kind());
                    }
                } catch (IOException | RuntimeException e) {
                    fail(e, pending);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = e;
        } finally {
            stopped = true;
            d.end();
            done.countDown();
        }
    }

    /** The archive failed: what waits is dropped (its buffers back to the producer), and the next write says why. */
    private void fail(Exception e, java.util.ArrayDeque<Block> pending) {
        error = e;
        for (Block p : pending) {
            free.offer(p.data);
        }
        pending.clear();
    }

    /** Deflates the oldest chunk nobody took yet, here; then writes what is ready. @return whether there was one */
    private boolean work(java.util.ArrayDeque<Block> pending, Deflater d, ZipWriter zip) throws IOException {
        if (!deflateWaiting(pending, d)) {
            return false;
        }
        write(pending, zip);
        return true;
    }

    /** @return whether this thread took and deflated a chunk that nobody had taken (the oldest such) */
    private static boolean deflateWaiting(java.util.ArrayDeque<Block> pending, Deflater d) {
        for (Block b : pending) {
            if (b.take()) {
                b.deflate(d);
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the oldest chunk: deflated here unless the helper has it; while the helper deflates it, this thread
     * deflates the chunks behind it instead of waiting.
     */
    private void finishOldest(java.util.ArrayDeque<Block> pending, Deflater d, ZipWriter zip) throws IOException, InterruptedException {
        Block head = pending.peek();
        while (head.deflated.getCount() > 0) {
            if (head.take()) {
                head.deflate(d);
            } else if (!deflateWaiting(pending, d)) {
                head.deflated.await();
            }
        }
        write(pending, zip);
    }

    /** Writes the deflated chunks at the head of the line, in order, and gives their buffers back to the producer. */
    private void write(java.util.ArrayDeque<Block> pending, ZipWriter zip) throws IOException {
        while (!pending.isEmpty() && pending.peek().deflated.getCount() == 0) {
            Block b = pending.poll();
            free.offer(b.data);
            if (b.error != null) {
                throw b.error;
            }
            zip.data(b.out, 0, b.outLength);
        }
    }

    private void recycle(Msg m) {
        if (m.kind() == Kind.DATA) {
            free.offer(m.data());
        }
    }

    private void send(Msg m) throws IOException {
        try {
            while (!queue.offer(m, 100, TimeUnit.MILLISECONDS)) {
                if (done.getCount() == 0) {
                    throw new IOException("The zip thread stopped", error);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while writing the " + format + " archive");
        }
    }

    private void failIfBroken() throws IOException {
        Throwable e = error;
        if (e != null) {
            throw e instanceof IOException ? (IOException) e : new IOException("Writing the " + format + " archive failed: " + e, e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        failIfBroken();
        while (len > 0) {
            if (current == null) {
                try {
                    byte[] c;
                    while ((c = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
                        if (done.getCount() == 0) {
                            throw new IOException("The zip thread stopped", error);
                        }
                    }
                    current = c;
                    used = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted while writing the " + format + " archive");
                }
            }
            int n = Math.min(len, CHUNK - used);
            System.arraycopy(b, off, current, used, n);
            used += n;
            off += n;
            len -= n;
            if (used == CHUNK) {
                handOver();
            }
        }
    }

    private void handOver() throws IOException {
        if (current != null && used > 0) {
            send(new Msg(Kind.DATA, null, current, used));
            current = null;
        }
    }

    /**
     * @param name the next entry's name
     * @throws IOException when the zip thread failed
     */
    public void putNextEntry(String name) throws IOException {
        handOver();
        send(new Msg(Kind.ENTRY, name, null, 0));
    }

    /**
     * An entry stored as it is, uncompressed (ODF's {@code mimetype}, which must come first and stored).
     *
     * @param name    the entry's name
     * @param content its bytes, whole
     * @throws IOException when the zip thread failed
     */
    public void putStoredEntry(String name, byte[] content) throws IOException {
        handOver();
        send(new Msg(Kind.STORED, name, content.clone(), content.length));
    }

    /** @throws IOException when the zip thread failed */
    public void closeEntry() throws IOException {
        handOver();
        send(new Msg(Kind.CLOSE, null, null, 0));
    }

    /**
     * Writes the central directory and waits until everything is in the target stream.
     *
     * @throws IOException when compressing or writing failed
     */
    public void finish() throws IOException {
        handOver();
        finished = true;
        send(new Msg(Kind.FINISH, null, null, 0));
        await();
        releaseCore();
        failIfBroken();
    }

    private void await() throws IOException {
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while finishing the " + format + " archive");
        }
    }

    /** Data is handed over in chunks; nothing to force. */
    @Override
    public void flush() {
    }

    /** Stops the zip thread if {@link #finish()} was not reached (the export failed), and waits for it. */
    @Override
    public void close() throws IOException {
        try {
            if (!finished && done.getCount() > 0) {
                finished = true;
                queue.clear();
                send(new Msg(Kind.ABORT, null, null, 0));
                await();
            }
        } finally {
            releaseCore();
            stopped = true;
        }
    }

    private void releaseCore() {
        if (core) {
            core = false;
            ExportThreads.releaseCore();
        }
    }
}
