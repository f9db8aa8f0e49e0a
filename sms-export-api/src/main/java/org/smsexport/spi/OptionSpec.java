package org.smsexport.spi;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one of an exporter's options is, for a form to offer it without guessing: its key, its kind (a choice, a yes/no,
 * a secret, free text), its choices, its default, and labels for people in each language. An exporter describes its
 * options with {@link Exporter#optionSpecs()}; the REST API and the page build their controls from it. Immutable.
 *
 * <pre>{@code
 * static final OptionSpec DELIMITER = OptionSpec.choice("delimiter", "comma", "comma", "semicolon")
 *         .label("en", "Delimiter").label("el", "Διαχωριστικό")
 *         .choiceLabel("comma", "en", "Comma (,)").choiceLabel("comma", "el", "Κόμμα (,)");
 * }</pre>
 *
 * @param key          the option's key, as requests name it
 * @param kind         what values it takes
 * @param choices      the valid values of a {@link Kind#CHOICE} ({@code true}, {@code false} for a {@link Kind#BOOLEAN}),
 *                     lower case, in the order to offer them; empty for the other kinds
 * @param defaultValue the value when the option is absent; empty when absence means "none" (a password)
 * @param labels       the option's label by language (ISO 639 code)
 * @param choiceLabels each choice's labels by language
 */
public record OptionSpec(String key, Kind kind, List<String> choices, Optional<String> defaultValue, Map<String, String> labels,
        Map<String, Map<String, String>> choiceLabels) {

    /** What values an option takes. */
    public enum Kind {
        /** one of {@link OptionSpec#choices()} */
        CHOICE,
        /** {@code true} or {@code false} */
        BOOLEAN,
        /** a password: shown as dots, never echoed, never kept in clear */
        SECRET,
        /** any text */
        TEXT;

        /** @return the kind's name in the REST API: {@code choice}, {@code boolean}, {@code secret}, {@code text} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Validates and copies. */
    public OptionSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        choices = List.copyOf(choices);
        Objects.requireNonNull(defaultValue, "defaultValue");
        labels = Map.copyOf(labels);
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        choiceLabels.forEach((choice, byLanguage) -> copy.put(choice, Map.copyOf(byLanguage)));
        choiceLabels = Map.copyOf(copy);
        if (kind == Kind.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException("Option '" + key + "' is a choice without choices.");
        }
        if (defaultValue.isPresent() && !choices.isEmpty() && !choices.contains(defaultValue.get())) {
            throw new IllegalArgumentException("Option '" + key + "' defaults to '" + defaultValue.get() + "', not one of " + choices + ".");
        }
    }

    /**
     * @param key     the option
     * @param dflt    the value when it is absent, one of the choices
     * @param choices the valid values, lower case
     * @return a choice, without labels
     */
    public static OptionSpec choice(String key, String dflt, String... choices) {
        return new OptionSpec(key, Kind.CHOICE, List.of(choices), Optional.of(dflt), Map.of(), Map.of());
    }

    /**
     * @param key  the option
     * @param dflt the value when it is absent
     * @return a yes/no option, without labels
     */
    public static OptionSpec bool(String key, boolean dflt) {
        return new OptionSpec(key, Kind.BOOLEAN, List.of("true", "false"), Optional.of(Boolean.toString(dflt)), Map.of(), Map.of());
    }

    /**
     * @param key the option
     * @return a secret (a password) with no default, without labels
     */
    public static OptionSpec secret(String key) {
        return new OptionSpec(key, Kind.SECRET, List.of(), Optional.empty(), Map.of(), Map.of());
    }

    /**
     * @param key the option
     * @return free text with no default, without labels; what {@link #describe(Exporter)} says of an option known only by
     *         its key (a key naming a password is a {@link Kind#SECRET})
     */
    public static OptionSpec text(String key) {
        return new OptionSpec(key, key.contains("password") ? Kind.SECRET : Kind.TEXT, List.of(), Optional.empty(), Map.of(), Map.of());
    }

    /**
     * @param exporter an exporter
     * @return its {@link Exporter#optionSpecs() descriptions}; for one that lists only its {@link Exporter#options() keys},
     *         free-text options by key (secrets where the key names a password), sorted
     */
    public static List<OptionSpec> describe(Exporter exporter) {
        List<OptionSpec> specs = exporter.optionSpecs();
        return specs.isEmpty() ? exporter.options().stream().sorted().map(OptionSpec::text).toList() : specs;
    }

    /**
     * @param language an ISO 639 code ({@code en}, {@code el})
     * @param text     the option's label in that language
     * @return a copy with that label
     */
    public OptionSpec label(String language, String text) {
        Map<String, String> l = new HashMap<>(labels);
        l.put(language, text);
        return new OptionSpec(key, kind, choices, defaultValue, l, choiceLabels);
    }

    /**
     * @param choice   one of the choices
     * @param language an ISO 639 code
     * @param text     the choice's label in that language
     * @return a copy with that label
     */
    public OptionSpec choiceLabel(String choice, String language, String text) {
        if (!choices.contains(choice)) {
            throw new IllegalArgumentException("'" + choice + "' is not a choice of option '" + key + "': " + choices + ".");
        }
        Map<String, Map<String, String>> c = new HashMap<>(choiceLabels);
        Map<String, String> l = new HashMap<>(c.getOrDefault(choice, Map.of()));
        l.put(language, text);
        c.put(choice, l);
        return new OptionSpec(key, kind, choices, defaultValue, labels, c);
    }

    /**
     * @param locale the reader's locale
     * @return the label in its language, else the English one, else the key humanized ({@code line_ending}: "Line ending")
     */
    public String label(Locale locale) {
        return pick(labels, locale).orElseGet(() -> {
            String s = key.replace('_', ' ');
            return Character.toUpperCase(s.charAt(0)) + s.substring(1);
        });
    }

    /**
     * @param choice one of the choices
     * @param locale the reader's locale
     * @return the choice's label in that language, else in English, else the choice itself
     */
    public String choiceLabel(String choice, Locale locale) {
        return pick(choiceLabels.getOrDefault(choice, Map.of()), locale).orElse(choice);
    }

    private static Optional<String> pick(Map<String, String> byLanguage, Locale locale) {
        return Optional.ofNullable(byLanguage.get(locale.getLanguage())).or(() -> Optional.ofNullable(byLanguage.get("en")));
    }
}
