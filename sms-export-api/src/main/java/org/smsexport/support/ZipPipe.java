package org.smsexport.support;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.smsexport.spi.Exporter;

/**
 * A zip archive whose deflating runs on a thread of its own, for formats that are zipped XML (XLSX, ODS): the exporter's
 * thread writes entry data here in 256 KB chunks (at most four in flight) and goes on producing XML while the previous
 * chunks are compressed and written. Entries, data and the end of the archive reach the zip thread in order through one
 * queue. Deflate level 1; an entry can also be stored uncompressed ({@link #putStoredEntry}, as ODF wants its
 * {@code mimetype}). Written by one producer thread; the target stream is only touched by the zip thread until
 * {@link #finish()} returns. Close it (after {@link #finish()}, or instead of it on failure) to stop the thread.
 */
public final class ZipPipe extends OutputStream {

    private static final int CHUNK = 256 * 1024;
    private static final int CHUNKS = 4;

    private enum Kind { ENTRY, STORED, DATA, CLOSE, FINISH, ABORT }

    private record Msg(Kind kind, String name, byte[] data, int length) {
    }

    private final BlockingQueue<Msg> queue = new ArrayBlockingQueue<>(CHUNKS + 4);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    private final CountDownLatch done = new CountDownLatch(1);
    private final String format;
    private volatile Throwable error;
    private byte[] current;
    private int used;
    private boolean finished;

    /**
     * @param target where the archive goes; not closed
     * @param format the format's id ({@code xlsx}): the zip thread is {@code sms-export-<format>-zip-<n>}, and messages name it
     */
    public ZipPipe(OutputStream target, String format) {
        this.format = format;
        for (int i = 0; i < CHUNKS; i++) {
            free.add(new byte[CHUNK]);
        }
        ExportThreads.start(format + "-zip", () -> run(target));
    }

    private void run(OutputStream target) {
        try {
            ZipOutputStream zip = new ZipOutputStream(Exporter.keepingOpen(target));
            // level 1: files ~25% larger, deflate ~3x faster; the XML is repetitive enough either way
            zip.setLevel(Deflater.BEST_SPEED);
            while (true) {
                Msg m = queue.take();
                if (error != null && m.kind() != Kind.FINISH && m.kind() != Kind.ABORT) {
                    recycle(m);
                    continue;
                }
                try {
                    switch (m.kind()) {
                        case ENTRY:
                            zip.putNextEntry(new ZipEntry(m.name()));
                            break;
                        case STORED:
                            ZipEntry stored = new ZipEntry(m.name());
                            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                            crc.update(m.data(), 0, m.length());
                            stored.setMethod(ZipEntry.STORED);
                            stored.setSize(m.length());
                            stored.setCompressedSize(m.length());
                            stored.setCrc(crc.getValue());
                            zip.putNextEntry(stored);
                            zip.write(m.data(), 0, m.length());
                            zip.closeEntry();
                            break;
                        case DATA:
                            zip.write(m.data(), 0, m.length());
                            break;
                        case CLOSE:
                            zip.closeEntry();
                            break;
                        case FINISH:
                            if (error == null) {
                                zip.finish();
                                zip.flush();
                            }
                            return;
                        case ABORT:
                            return;
                        default:
                            throw new AssertionError(m.kind());
                    }
                } catch (IOException | RuntimeException e) {
                    error = e;
                } finally {
                    recycle(m);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = e;
        } finally {
            done.countDown();
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
        if (!finished && done.getCount() > 0) {
            finished = true;
            queue.clear();
            send(new Msg(Kind.ABORT, null, null, 0));
            await();
        }
    }
}
