package org.smsexport.pdf.internal;

import com.lowagie.text.DocumentException;
import com.lowagie.text.pdf.BaseFont;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * DejaVu Sans and DejaVu Sans Bold, bundled in this jar (Bitstream Vera licence, see
 * {@code fonts/LICENSE-DejaVu.txt}): read once, parsed per report (a parsed font is not shared between
 * documents being written at the same time), embedded as subsets with Identity-H so any character they
 * have prints the same on every host.
 */
final class Fonts {

    private static final class Files {
        static final byte[] REGULAR = read("DejaVuSans.ttf");
        static final byte[] BOLD = read("DejaVuSans-Bold.ttf");
    }

    private Fonts() {
    }

    static BaseFont regular() throws IOException {
        return create("DejaVuSans.ttf", Files.REGULAR);
    }

    static BaseFont bold() throws IOException {
        return create("DejaVuSans-Bold.ttf", Files.BOLD);
    }

    /** @return the font file a font of this class was made from */
    static byte[] bytes(BaseFont font) {
        return font.getPostscriptFontName().contains("Bold") ? Files.BOLD : Files.REGULAR;
    }

    private static BaseFont create(String name, byte[] bytes) throws IOException {
        try {
            return BaseFont.createFont(name, BaseFont.IDENTITY_H, BaseFont.EMBEDDED, false, bytes, null);
        } catch (DocumentException e) {
            throw new IOException("The bundled font " + name + " cannot be used: " + e.getMessage(), e);
        }
    }

    private static byte[] read(String file) {
        try (InputStream in = Fonts.class.getResourceAsStream("/org/smsexport/pdf/fonts/" + file)) {
            if (in == null) {
                throw new IllegalStateException("The font " + file + " is missing from the sms-export-pdf jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the bundled font " + file, e);
        }
    }
}
