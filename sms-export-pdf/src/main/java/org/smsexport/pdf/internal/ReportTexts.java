package org.smsexport.pdf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/** The report's own words (title block, footer) in the reader's language; English when there are none. */
final class ReportTexts {

    private static final Map<String, Properties> CACHE = new ConcurrentHashMap<>();

    private final Properties texts;

    ReportTexts(Locale locale) {
        String language = locale.getLanguage();
        Properties own = CACHE.computeIfAbsent(language, ReportTexts::load);
        this.texts = own.isEmpty() ? CACHE.computeIfAbsent("en", ReportTexts::load) : own;
    }

    private static Properties load(String language) {
        Properties p = new Properties();
        try (InputStream in = ReportTexts.class.getResourceAsStream("report_" + language + ".properties")) {
            if (in != null) {
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the PDF report texts for '" + language + "'", e);
        }
        return p;
    }

    String get(String key) {
        return texts.getProperty(key, key);
    }

    /** @return "Page 3 of " (the total follows from a template) */
    String page(int number) {
        return get("page").replace("{0}", Integer.toString(number));
    }
}
