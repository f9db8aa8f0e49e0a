package org.smsexport.support;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.smsexport.InvalidRequestException;

/**
 * Reads settings by key from a map (the environment, {@code Properties}, a host's configuration), collecting
 * every problem instead of stopping at the first, so a configuration error lists all bad values at once. The
 * one reader behind {@code ExportConfig} and {@code MailConfig}; modules with settings of their own use it the
 * same way. A blank value counts as absent. Not thread-safe.
 *
 * <pre>{@code
 * Settings s = Settings.of(System.getenv());
 * long port = s.number("SMTP_PORT", 587);
 * boolean tls = s.bool("SMTP_USE_TLS", true);
 * s.check("mail");   // throws, naming every bad value
 * }</pre>
 */
public final class Settings {

    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * @param values settings by key
     * @return a reader over them
     */
    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /**
     * @param key  the key
     * @param dflt the value when absent
     * @return the value, stripped
     */
    public String text(String key, String dflt) {
        String v = values.get(key);
        return v == null || v.isBlank() ? dflt : v.strip();
    }

    /** @return whether the key has a (non-blank) value */
    public boolean has(String key) {
        return text(key, null) != null;
    }

    /**
     * @param key  the key
     * @param dflt the value when absent or bad
     * @return a whole number (underscores allowed: {@code 100_000}); a problem when it is not one
     */
    public long number(String key, long dflt) {
        String v = text(key, null);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            problems.add(key + "='" + v + "' is not a whole number");
            return dflt;
        }
    }

    /**
     * @param key  the key
     * @param dflt the value when absent or bad
     * @return a whole number of 0 or more; a problem when it is negative or not a number
     */
    public long count(String key, long dflt) {
        long n = number(key, dflt);
        if (n < 0) {
            problems.add(key + "=" + text(key, "") + " must not be negative");
            return dflt;
        }
        return n;
    }

    /**
     * @param key  the key
     * @param dflt the value when absent or bad
     * @return {@code true} for true/yes/1, {@code false} for false/no/0 (any case); a problem otherwise
     */
    public boolean bool(String key, boolean dflt) {
        String v = text(key, null);
        if (v == null) {
            return dflt;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "1":
                return true;
            case "false":
            case "no":
            case "0":
                return false;
            default:
                problems.add(key + "='" + v + "' is not one of [true, false]");
                return dflt;
        }
    }

    /**
     * @param key     the key
     * @param dflt    the value when absent or bad
     * @param allowed the valid values, lower case
     * @return the value in lower case; a problem when it is not one of {@code allowed}
     */
    public String choice(String key, String dflt, String... allowed) {
        String v = text(key, dflt).toLowerCase(Locale.ROOT);
        if (!List.of(allowed).contains(v)) {
            problems.add(key + "='" + v + "' is not one of " + List.of(allowed));
            return dflt;
        }
        return v;
    }

    /**
     * @param key  the key
     * @param dflt the value when absent or bad
     * @return the path; a problem when the text is not a path on this system
     */
    public Path path(String key, String dflt) {
        String v = text(key, dflt);
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            problems.add(key + "='" + v + "' is not a valid path: " + e.getReason());
            return Path.of(dflt);
        }
    }

    /** @param message a problem found by the caller (a range, a combination), added to the list */
    public void problem(String message) {
        problems.add(message);
    }

    /** @return the problems so far, in the order found */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * @param what what is configured, for the message ("sms-export", "mail")
     * @throws InvalidRequestException listing every problem: {@code Invalid <what> configuration: a; b.}
     */
    public void check(String what) {
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("Invalid " + what + " configuration: " + String.join("; ", problems) + ".");
        }
    }
}
