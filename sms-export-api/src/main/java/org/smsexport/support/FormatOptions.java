package org.smsexport.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.smsexport.InvalidRequestException;
import org.smsexport.spi.OptionSpec;

/**
 * Reads an exporter's options the same way in every format: values are case-insensitive, a bad value is
 * named with the valid choices, every problem is reported at once by {@link #check()}, and secrets
 * (passwords) are never echoed. Not thread-safe; one instance per options map.
 *
 * <pre>{@code
 * FormatOptions o = FormatOptions.of("pdf", options);
 * boolean guard = o.bool("formula_guard", true);
 * String size = o.choice("page_size", "a4", "a4", "letter");
 * o.check();
 * }</pre>
 */
public final class FormatOptions {

    /** Whether cells that a spreadsheet would run as formulas are neutralized ({@code true} by default). */
    public static final OptionSpec FORMULA_GUARD = OptionSpec.bool("formula_guard", true)
            .label("en", "Neutralize formulas").label("el", "Εξουδετέρωση τύπων")
            .choiceLabel("true", "en", "Yes (recommended)").choiceLabel("true", "el", "Ναι (συνιστάται)")
            .choiceLabel("false", "en", "No").choiceLabel("false", "el", "Όχι");
    /** The password that opens the file; none by default. */
    public static final OptionSpec PASSWORD = OptionSpec.secret("password").label("en", "Password to open").label("el", "Κωδικός ανοίγματος");
    /** A4 (the default) or US Letter. */
    public static final OptionSpec PAGE_SIZE = OptionSpec.choice("page_size", "a4", "a4", "letter")
            .label("en", "Paper size").label("el", "Μέγεθος χαρτιού")
            .choiceLabel("a4", "en", "A4").choiceLabel("a4", "el", "A4")
            .choiceLabel("letter", "en", "US Letter").choiceLabel("letter", "el", "Letter (ΗΠΑ)");
    /** Portrait, landscape, or (the default) landscape for more than six columns: see {@link #landscape(String, int)}. */
    public static final OptionSpec ORIENTATION = OptionSpec.choice("orientation", "auto", "auto", "portrait", "landscape")
            .label("en", "Orientation").label("el", "Προσανατολισμός")
            .choiceLabel("auto", "en", "Automatic (landscape for wide tables)").choiceLabel("auto", "el", "Αυτόματος (οριζόντιος για πλατιούς πίνακες)")
            .choiceLabel("portrait", "en", "Portrait").choiceLabel("portrait", "el", "Κατακόρυφος")
            .choiceLabel("landscape", "en", "Landscape").choiceLabel("landscape", "el", "Οριζόντιος");

    private final String format;
    private final Map<String, String> options;
    private final List<String> problems = new ArrayList<>();

    private FormatOptions(String format, Map<String, String> options) {
        this.format = format;
        this.options = options;
    }

    /**
     * @param format  the format id, for error messages
     * @param options the request's options
     * @return a reader of them
     */
    public static FormatOptions of(String format, Map<String, String> options) {
        return new FormatOptions(format, options);
    }

    /**
     * @param key   the option
     * @param dflt  the value when the option is absent
     * @return {@code true} or {@code false}; the default (and a problem) for any other value
     */
    public boolean bool(String key, boolean dflt) {
        return Boolean.parseBoolean(choice(key, Boolean.toString(dflt), "true", "false"));
    }

    /**
     * @param key     the option
     * @param dflt    the value when the option is absent
     * @param choices the valid values, lower case
     * @return the value in lower case; the default (and a problem) for any other value
     */
    public String choice(String key, String dflt, String... choices) {
        String v = options.get(key);
        if (v == null) {
            return dflt;
        }
        String lower = v.strip().toLowerCase(Locale.ROOT);
        if (Arrays.asList(choices).contains(lower)) {
            return lower;
        }
        problems.add("Option '" + key + "' has value '" + v + "'; expected one of " + Arrays.toString(choices) + ".");
        return dflt;
    }

    /**
     * @param spec a {@link OptionSpec.Kind#CHOICE} or {@link OptionSpec.Kind#BOOLEAN} option
     * @return the value in lower case; the spec's default (and a problem) for any value not among its choices
     */
    public String choice(OptionSpec spec) {
        return choice(spec.key(), spec.defaultValue().orElseThrow(), spec.choices().toArray(String[]::new));
    }

    /**
     * @param spec a {@link OptionSpec.Kind#BOOLEAN} option
     * @return {@code true} or {@code false}; the spec's default (and a problem) for any other value
     */
    public boolean bool(OptionSpec spec) {
        return Boolean.parseBoolean(choice(spec));
    }

    /**
     * The one rule of {@link #ORIENTATION} for every format that prints.
     *
     * @param orientation the option's value as read: {@code auto}, {@code portrait} or {@code landscape}
     * @param columns     how many columns the export has
     * @return whether pages are landscape: asked for, or {@code auto} and more than six columns
     */
    public static boolean landscape(String orientation, int columns) {
        return orientation.equals("auto") ? columns > 6 : orientation.equals("landscape");
    }

    /**
     * A password or other secret: 1 to 255 characters, never repeated in a message.
     *
     * @param key the option
     * @return the value, or {@code null} when absent or invalid
     */
    public String secret(String key) {
        String v = options.get(key);
        if (v != null && (v.isEmpty() || v.length() > 255)) {
            problems.add("Option '" + key + "' must be 1 to 255 characters long.");
            return null;
        }
        return v;
    }

    /**
     * Records a problem found by the exporter itself (two options that do not go together).
     *
     * @param message the whole sentence
     */
    public void problem(String message) {
        problems.add(message);
    }

    /**
     * @throws InvalidRequestException listing every problem found so far, when there is one
     */
    public void check() {
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(String.join(" ", problems), null, null, format, null);
        }
    }
}
