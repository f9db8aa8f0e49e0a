package org.smsexport.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.spi.ExportStorage;

/**
 * The behaviour every {@link ExportStorage} must have, as an abstract JUnit test: extend it and return a storage
 * ({@link #newStorage(Path)}) whose files are written first into the given output directory. It holds a storage
 * to what the service relies on: a published file reads back byte for byte (also one above the multipart size), the
 * temporary file is gone after publishing, a missing name is a {@link NoSuchFileException} and deleting it
 * {@code false}, a deleted or archived file is no longer listed or readable, archiving never overwrites, names that
 * could leave the storage are refused, several threads publish at once, a signed download URL (when the storage
 * has one) serves the same bytes, and a storage that cannot publish ({@link #unreachableStorage(Path)}) fails with a
 * message and leaves nothing under the name.
 *
 * <pre>{@code
 * class MyStorageTest extends ExportStorageContract {
 *     protected ExportStorage newStorage(Path dir) { return new MyStorage(testServer.url()); }
 * }
 * }</pre>
 */
public abstract class ExportStorageContract {

    @TempDir
    Path dir;

    private ExportStorage storage;
    private int counter;

    /** For subclasses. */
    protected ExportStorageContract() {
    }

    /**
     * @param outputDirectory where the service writes files before they are published
     * @return a storage, empty
     */
    protected abstract ExportStorage newStorage(Path outputDirectory);

    /**
     * @param outputDirectory where the service writes files before they are published
     * @return a storage whose publishing cannot succeed (server down, directory gone), or {@code null} to skip that test
     */
    protected ExportStorage unreachableStorage(Path outputDirectory) {
        return null;
    }

    @BeforeEach
    void open() {
        storage = newStorage(dir);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private String name() {
        return "students_20261201_101500_" + "abcdefghijklmnopqrs".substring(0, 19) + (char) ('a' + counter++ % 26) + ".csv";
    }

    private Path temp(byte[] content) throws IOException {
        Path t = dir.resolve("." + counter + "-" + System.nanoTime() + ".csv.tmp");
        Files.write(t, content);
        return t;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private byte[] read(String name) throws IOException {
        try (InputStream in = storage.open(name)) {
            return in.readAllBytes();
        }
    }

    private String publish(byte[] content) throws Exception {
        String name = name();
        Path t = temp(content);
        storage.publish(t, name, sha256(content));
        assertThat(t).as("the temporary file is gone once published").doesNotExist();
        return name;
    }

    @Test
    void aPublishedFileReadsBackByteForByte() throws Exception {
        byte[] content = "Student ID,Name\nS1,Ådne Ødegård\n".getBytes(StandardCharsets.UTF_8);
        String name = publish(content);
        assertThat(read(name)).isEqualTo(content);
        assertThat(storage.size(name)).isEqualTo(content.length);
        assertThat(storage.list()).extracting(ExportStorage.StoredFile::name).contains(name);
        assertThat(storage.describe(name)).contains(name);
    }

    @Test
    void aLargeFileArrivesWhole() throws Exception {
        byte[] content = new byte[17 * 1024 * 1024 + 123];
        new Random(7).nextBytes(content);
        String name = publish(content);
        assertThat(storage.size(name)).isEqualTo(content.length);
        try (InputStream in = storage.open(name)) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(content));
        }
    }

    @Test
    void aMissingNameIsNoSuchFile() throws Exception {
        assertThatThrownBy(() -> storage.open("students_20260101_000000_aaaaaaaaaaaaaaaaaaaa.csv"))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> storage.size("students_20260101_000000_aaaaaaaaaaaaaaaaaaaa.csv"))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(storage.delete("students_20260101_000000_aaaaaaaaaaaaaaaaaaaa.csv")).isFalse();
    }

    @Test
    void aDeletedFileIsGone() throws Exception {
        String name = publish("x\n".getBytes(StandardCharsets.UTF_8));
        assertThat(storage.delete(name)).isTrue();
        assertThatThrownBy(() -> storage.open(name)).isInstanceOf(NoSuchFileException.class);
        assertThat(storage.list()).extracting(ExportStorage.StoredFile::name).doesNotContain(name);
        assertThat(storage.delete(name)).isFalse();
    }

    @Test
    void archivingMovesAndNeverOverwrites() throws Exception {
        byte[] first = "first\n".getBytes(StandardCharsets.UTF_8);
        String name = publish(first);
        Path archive = dir.resolve("archive");
        String where = storage.archive(name, archive, Optional.of(sha256(first)));
        assertThat(where).contains(name).startsWith(storage.archiveLocation(archive));
        assertThatThrownBy(() -> storage.open(name)).isInstanceOf(NoSuchFileException.class);
        assertThat(storage.list()).extracting(ExportStorage.StoredFile::name).doesNotContain(name);
        // the same name again: the archived one stays, the new one is not moved
        byte[] second = "second\n".getBytes(StandardCharsets.UTF_8);
        Path t = temp(second);
        storage.publish(t, name, sha256(second));
        assertThatThrownBy(() -> storage.archive(name, archive, Optional.of(sha256(second))))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(read(name)).isEqualTo(second);
        assertThatThrownBy(() -> storage.archive("students_20260101_000000_aaaaaaaaaaaaaaaaaaaa.csv", archive, Optional.empty()))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void namesThatCouldLeaveTheStorageAreRefused() throws Exception {
        for (String bad : List.of("../escape.csv", ".hidden.csv", "a/b.csv")) {
            Path t = temp("x".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> storage.publish(t, bad, sha256("x".getBytes(StandardCharsets.UTF_8)))).as(bad)
                    .isInstanceOf(RuntimeException.class).hasMessageContaining(bad);
            assertThatThrownBy(() -> storage.open(bad)).as(bad).isInstanceOf(RuntimeException.class);
        }
        assertThat(dir.getParent().resolve("escape.csv")).doesNotExist();
    }

    @Test
    void severalThreadsPublishAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> names = new ArrayList<>();
            List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] c = ("row " + i + "\n").repeat(1000 + i).getBytes(StandardCharsets.UTF_8);
                contents.add(c);
                String name = name();
                Path t = temp(c);
                names.add(pool.submit(() -> {
                    storage.publish(t, name, sha256(c));
                    return name;
                }));
            }
            for (int i = 0; i < names.size(); i++) {
                assertThat(read(names.get(i).get())).isEqualTo(contents.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSignedDownloadUrlServesTheSameBytes() throws Exception {
        byte[] content = "Student ID\nS9\n".getBytes(StandardCharsets.UTF_8);
        String name = publish(content);
        Optional<URI> url = storage.downloadUrl(name, Instant.now().plus(Duration.ofMinutes(10)));
        if (url.isEmpty()) {
            return;
        }
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.get()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(content);
        assertThat(storage.downloadUrl(name, Instant.now().minusSeconds(1))).as("an expired link gets no URL").isEmpty();
    }

    @Test
    void aStorageThatCannotPublishSaysWhyAndLeavesNothing() throws Exception {
        ExportStorage broken = unreachableStorage(dir);
        if (broken == null) {
            return;
        }
        try {
            byte[] content = "x\n".getBytes(StandardCharsets.UTF_8);
            String name = name();
            Path t = temp(content);
            assertThatThrownBy(() -> broken.publish(t, name, sha256(content))).isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
            assertThatThrownBy(() -> storage.open(name)).isInstanceOf(NoSuchFileException.class);
        } finally {
            broken.close();
        }
    }
}
