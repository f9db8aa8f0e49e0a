package org.smsexport.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The mail texts: {@code completed|failed_<lang>.html|.txt} and {@code subjects_<lang>.properties}, bundled
 * in English and Greek, each overridable by a file of the same name in a host directory. {@code {{name}}}
 * placeholders are replaced; in HTML every value is escaped, in subjects line breaks are removed.
 */
final class Templates {

    private final Optional<Path> overrides;

    Templates(Optional<Path> overrides) {
        this.overrides = overrides;
    }

    String html(String name, Locale locale, Map<String, String> values, Map<String, String> rawHtml) {
        String t = load(name + "_" + lang(locale) + ".html");
        for (Map.Entry<String, String> e : values.entrySet()) {
            t = t.replace("{{" + e.getKey() + "}}", escape(e.getValue()));
        }
        for (Map.Entry<String, String> e : rawHtml.entrySet()) {
            t = t.replace("{{" + e.getKey() + "}}", e.getValue());
        }
        return t;
    }

    String text(String name, Locale locale, Map<String, String> values) {
        String t = load(name + "_" + lang(locale) + ".txt");
        for (Map.Entry<String, String> e : values.entrySet()) {
            t = t.replace("{{" + e.getKey() + "}}", e.getValue());
        }
        return t;
    }

    String phrase(String key, Locale locale, Map<String, String> values) {
        Properties p = new Properties();
        try (InputStreamReader r = new InputStreamReader(open("subjects_" + lang(locale) + ".properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String t = p.getProperty(key, key);
        for (Map.Entry<String, String> e : values.entrySet()) {
            t = t.replace("{{" + e.getKey() + "}}", e.getValue());
        }
        // a subject is one header line: no value may start another header
        return t.replaceAll("[\\r\\n\\t]+", " ").strip();
    }

    private static String lang(Locale locale) {
        return "el".equals(locale.getLanguage()) ? "el" : "en";
    }

    private String load(String file) {
        try (InputStream in = open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private InputStream open(String file) throws IOException {
        if (overrides.isPresent() && Files.isRegularFile(overrides.get().resolve(file))) {
            return Files.newInputStream(overrides.get().resolve(file));
        }
        InputStream in = Templates.class.getResourceAsStream("templates/" + file);
        if (in == null) {
            throw new IOException("Mail template " + file + " is missing");
        }
        return in;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '&':
                    sb.append("&amp;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                case '\'':
                    sb.append("&#39;");
                    break;
                default:
                    sb.append(c);
            }
        }
        return sb.toString();
    }
}
