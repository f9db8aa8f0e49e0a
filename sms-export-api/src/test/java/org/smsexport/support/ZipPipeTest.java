package org.smsexport.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive ZipPipe writes, read back by the JDK's two readers (the central directory's, and the stream's, which
 * trusts the local headers and data descriptors): every entry's bytes, the chunks deflated in parallel joined into one
 * stream, entries stored whole, and ZIP64 past 4 GB.
 */
class ZipPipeTest {

    @TempDir
    Path dir;

    @Test
    void entriesOfEverySizeComeBackByteForByteFromBothReaders() throws IOException {
        Random random = new Random(42);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("empty.xml", new byte[0]);
        entries.put("small.xml", "<a>Γειά σου</a>".getBytes(StandardCharsets.UTF_8));
        // XML-like text over many chunks: matches across the chunks' seams (each chunk's dictionary is the one before)
        StringBuilder xml = new StringBuilder();
        while (xml.length() < 3_000_000) {
            xml.append("<row r=\"").append(xml.length()).append("\"><c t=\"inlineStr\"><is><t>").append(random.nextInt(1000))
                    .append(" Παπαδόπουλος</t></is></c></row>\n");
        }
        entries.put("xl/worksheets/sheet1.xml", xml.toString().getBytes(StandardCharsets.UTF_8));
        byte[] noise = new byte[700_001];
        random.nextBytes(noise);
        entries.put("noise.bin", noise);
        byte[] exact = new byte[256 * 1024 * 2];
        java.util.Arrays.fill(exact, (byte) 'x');
        entries.put("two-whole-chunks.txt", exact);

        Path file = dir.resolve("a.zip");
        try (OutputStream out = Files.newOutputStream(file); ZipPipe zip = new ZipPipe(out, "test")) {
            zip.putStoredEntry("mimetype", "application/test".getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(e.getKey());
                byte[] b = e.getValue();
                // in uneven writes, as an XML writer's buffer drains
                for (int off = 0; off < b.length; ) {
                    int n = Math.min(b.length - off, 1 + random.nextInt(100_000));
                    zip.write(b, off, n);
                    off += n;
                }
                zip.closeEntry();
            }
            zip.finish();
        }
        entries.put("mimetype", "application/test".getBytes(StandardCharsets.US_ASCII));

        try (ZipFile z = new ZipFile(file.toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry e : Collections.list(z.entries())) {
                names.add(e.getName());
                try (InputStream in = z.getInputStream(e)) {
                    assertThat(in.readAllBytes()).as(e.getName()).isEqualTo(entries.get(e.getName()));
                }
            }
            assertThat(names).as("mimetype first, then the rest in order").containsExactly("mimetype", "empty.xml", "small.xml",
                    "xl/worksheets/sheet1.xml", "noise.bin", "two-whole-chunks.txt");
            ZipEntry mimetype = z.getEntry("mimetype");
            assertThat(mimetype.getMethod()).isEqualTo(ZipEntry.STORED);
            assertThat(mimetype.getExtra()).as("ODF: no extra field on the mimetype").isNull();
            assertThat(z.getEntry("xl/worksheets/sheet1.xml").getCompressedSize()).as("deflated")
                    .isLessThan(entries.get("xl/worksheets/sheet1.xml").length / 4);
        }
        byte[] raw = Files.readAllBytes(file);
        assertThat(new String(raw, 30, 8, StandardCharsets.US_ASCII)).as("ODF: the media type readable at byte 30").isEqualTo("mimetype");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(file))) {
            int n = 0;
            for (ZipEntry e; (e = in.getNextEntry()) != null; n++) {
                assertThat(in.readAllBytes()).as(e.getName()).isEqualTo(entries.get(e.getName()));
            }
            assertThat(n).isEqualTo(6);
        }
    }

    @Test
    void anEntryPast4GbIsWrittenWithZip64AndReadBack() throws IOException {
        long size = (1L << 32) + 3 * 256 * 1024 + 17;
        byte[] pattern = new byte[1 << 20];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) ("<row><c>" + (i % 97) + "</c></row>").charAt(i % 8);
        }
        CRC32 crc = new CRC32();
        Path file = dir.resolve("big.zip");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file)); ZipPipe zip = new ZipPipe(out, "test")) {
            zip.putNextEntry("content.xml");
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(left, pattern.length);
                zip.write(pattern, 0, n);
                crc.update(pattern, 0, n);
                left -= n;
            }
            zip.closeEntry();
            zip.putNextEntry("after.xml");
            zip.write("<after/>".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
            zip.finish();
        }
        try (ZipFile z = new ZipFile(file.toFile())) {
            ZipEntry e = z.getEntry("content.xml");
            assertThat(e.getSize()).isEqualTo(size);
            assertThat(e.getCrc()).isEqualTo(crc.getValue());
            CRC32 back = new CRC32();
            long read = 0;
            try (InputStream in = z.getInputStream(e)) {
                byte[] buf = new byte[1 << 20];
                for (int n; (n = in.read(buf)) > 0; ) {
                    back.update(buf, 0, n);
                    read += n;
                }
            }
            assertThat(read).isEqualTo(size);
            assertThat(back.getValue()).isEqualTo(crc.getValue());
            try (InputStream in = z.getInputStream(z.getEntry("after.xml"))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("<after/>");
            }
        }
    }

    @Test
    void aFailingTargetFailsTheWritesAndCloseStopsTheThreads() throws IOException {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }
        };
        ZipPipe zip = new ZipPipe(broken, "test");
        assertThatThrownBy(() -> {
            zip.putNextEntry("a.xml");
            byte[] b = new byte[64 * 1024];
            for (int i = 0; i < 1_000; i++) {
                zip.write(b);
            }
            zip.closeEntry();
            zip.finish();
        }).isInstanceOf(IOException.class).hasMessageContaining("disk full");
        zip.close();
    }
}
