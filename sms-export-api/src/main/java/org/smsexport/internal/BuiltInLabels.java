package org.smsexport.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Labels of the built-in export types, read once per language from UTF-8 properties files beside this
 * class ({@code labels_en.properties}, {@code labels_el.properties}). Plain resources rather than
 * {@link java.util.ResourceBundle}, so lookups behave the same on the class path and the module path.
 */
public final class BuiltInLabels {

    private static final Map<String, Properties> BY_LANGUAGE = new ConcurrentHashMap<>();

    private BuiltInLabels() {
    }

    /** The languages the bundled labels are in. */
    public static final java.util.Set<String> LANGUAGES = java.util.Set.of("en", "el");

    /**
     * @param key    e.g. {@code "type.students"}, {@code "column.first_name"}
     * @param locale the reader's locale; English when the language has no bundle or no such key
     * @return the label
     */
    public static Optional<String> get(String key, Locale locale) {
        String v = load(locale.getLanguage()).getProperty(key);
        if (v == null) {
            v = load("en").getProperty(key);
        }
        return Optional.ofNullable(v);
    }

    private static Properties load(String language) {
        return BY_LANGUAGE.computeIfAbsent(language, lang -> {
            Properties p = new Properties();
            try (InputStream in = BuiltInLabels.class.getResourceAsStream("labels_" + lang + ".properties")) {
                if (in != null) {
                    p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p;
        });
    }
}
