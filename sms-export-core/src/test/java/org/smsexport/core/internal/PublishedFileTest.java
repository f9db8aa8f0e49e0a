package org.smsexport.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small writes go through the writer thread, large ones are written inline; the bytes and the hash are the same. */
class PublishedFileTest {

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** Writes of every size, mixed so inline writes must wait for queued chunks, keep their order. */
    @Test
    void mixedSmallAndLargeWritesKeepTheirOrderAndHash() throws Exception {
        byte[] all = new byte[40 * 1024 * 1024];
        new Random(7).nextBytes(all);
        int[] sizes = {1, 100, PublishedFile.INLINE - 1, PublishedFile.INLINE, 3, 300_000, 17, PublishedFile.CHUNK + 5, 5_000};
        Path temp = PublishedFile.tempPath(dir, "j1", "bin");
        PublishedFile.Result result;
        try (PublishedFile file = PublishedFile.create(temp, threads, true)) {
            OutputStream out = file.stream();
            int off = 0;
            for (int i = 0; off < all.length; i++) {
                int n = Math.min(sizes[i % sizes.length], all.length - off);
                if (n == 1) {
                    out.write(all[off]);
                } else {
                    out.write(all, off, n);
                }
                off += n;
            }
            // more than SYNC_EVERY_MB: background forces ran while writing, and finish waits for the last one
            result = file.finish(true);
            Files.move(temp, dir.resolve("done.bin"));
            file.published();
        }
        byte[] back = Files.readAllBytes(dir.resolve("done.bin"));
        assertThat(back).isEqualTo(all);
        assertThat(result.size()).isEqualTo(all.length);
        assertThat(result.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("done.bin")))).isEqualTo("rw-------");
    }

    /** Two threads taking turns under a lock (as the CSV exporter's do) write one coherent file. */
    @Test
    void threadsTakingTurnsWriteOneFile() throws Exception {
        Path temp = PublishedFile.tempPath(dir, "j2", "bin");
        byte[][] blocks = new byte[200][];
        Random random = new Random(3);
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new byte[i % 3 == 0 ? 10 + i : PublishedFile.INLINE + 1000 * i];
            random.nextBytes(blocks[i]);
        }
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        for (byte[] b : blocks) {
            expected.update(b);
        }
        Object turn = new Object();
        int[] next = {0};
        try (PublishedFile file = PublishedFile.create(temp, threads, false)) {
            Future<?>[] writers = new Future<?>[2];
            for (int t = 0; t < 2; t++) {
                int me = t;
                writers[t] = threads.submit(() -> {
                    while (true) {
                        synchronized (turn) {
                            while (next[0] < blocks.length && next[0] % 2 != me) {
                                turn.wait();
                            }
                            if (next[0] >= blocks.length) {
                                return null;
                            }
                            file.stream().write(blocks[next[0]]);
                            next[0]++;
                            turn.notifyAll();
                        }
                    }
                });
            }
            for (Future<?> w : writers) {
                w.get();
            }
            PublishedFile.Result result = file.finish(false);
            assertThat(result.sha256()).isEqualTo(HexFormat.of().formatHex(expected.digest()));
            assertThat(Files.size(temp)).isEqualTo(result.size());
        }
        assertThat(temp).as("a file never published is deleted on close").doesNotExist();
    }
}
