package org.smsexport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.smsexport.FilterSpec.Match;
import org.smsexport.internal.BuiltInLabels;

/**
 * A kind of data that can be exported: a name, ordered typed columns, the filters it accepts, and
 * localizable labels. The five types of the original SMS are constants here; hosts define their own with
 * {@link #builder(String)} and serve them from their {@link org.smsexport.spi.DataSource}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ExportType {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Pattern COLOUR = Pattern.compile("[0-9A-F]{6}");

    /** The header colour of types that set none: a dark grey. */
    public static final String DEFAULT_COLOUR = "374151";

    /** Students: one row per student. */
    public static final ExportType STUDENTS = builder("students")
            .columns(Column.integer("id"), Column.text("student_id"), Column.text("first_name"),
                    Column.text("last_name"), Column.text("father_name"), Column.text("email"),
                    Column.text("mobile_phone"), Column.text("phone"), Column.integer("study_year"),
                    Column.text("academic_year"), Column.text("class_division"), Column.date("enrollment_date"),
                    Column.text("status"))
            .filters(FilterSpec.oneOf("status", "active", "inactive"),
                    FilterSpec.search("search", "first_name", "last_name", "email"),
                    FilterSpec.equalTo("study_year", ColumnType.INTEGER),
                    FilterSpec.equalTo("academic_year", ColumnType.TEXT),
                    FilterSpec.equalTo("class_division", ColumnType.TEXT),
                    FilterSpec.bound("enrolled_from", "enrollment_date", ColumnType.DATE, Match.AT_LEAST),
                    FilterSpec.bound("enrolled_to", "enrollment_date", ColumnType.DATE, Match.AT_MOST))
            .colour("4F46E5").builtIn().build();

    /** Courses: one row per course. */
    public static final ExportType COURSES = builder("courses")
            .columns(Column.integer("id"), Column.text("course_code"), Column.text("course_name"),
                    Column.text("semester"), Column.integer("credits"), Column.decimal("hours_per_week", 1),
                    Column.integer("periods_per_week"), Column.decimal("absence_penalty", 2),
                    Column.text("description"))
            .filters(FilterSpec.search("search", "course_code", "course_name"),
                    FilterSpec.equalTo("semester", ColumnType.TEXT))
            .colour("059669").builtIn().build();

    /** Grades: one row per grade, with the student's and the course's names joined in. */
    public static final ExportType GRADES = builder("grades")
            .columns(Column.integer("id"), Column.integer("student_id"), Column.text("student_name"),
                    Column.text("course_code"), Column.text("course_name"), Column.text("assignment_name"),
                    Column.text("category"), Column.decimal("grade", 2), Column.decimal("max_grade", 2),
                    Column.decimal("percentage", 2), Column.decimal("weight", 2), Column.date("date_assigned"),
                    Column.date("date_submitted"))
            .filters(FilterSpec.equalTo("student_id", ColumnType.INTEGER),
                    FilterSpec.equalTo("course_id", ColumnType.INTEGER),
                    FilterSpec.equalTo("course_code", ColumnType.TEXT),
                    FilterSpec.equalTo("category", ColumnType.TEXT),
                    FilterSpec.bound("assigned_from", "date_assigned", ColumnType.DATE, Match.AT_LEAST),
                    FilterSpec.bound("assigned_to", "date_assigned", ColumnType.DATE, Match.AT_MOST))
            .colour("7C3AED").builtIn().build();

    /** Course enrollments: one row per student enrolled in a course. */
    public static final ExportType ENROLLMENTS = builder("enrollments")
            .columns(Column.integer("id"), Column.integer("student_id"), Column.text("student_name"),
                    Column.text("course_code"), Column.text("course_name"), Column.date("enrolled_at"),
                    Column.text("status"))
            .filters(FilterSpec.equalTo("student_id", ColumnType.INTEGER),
                    FilterSpec.equalTo("course_id", ColumnType.INTEGER),
                    FilterSpec.equalTo("course_code", ColumnType.TEXT),
                    FilterSpec.equalTo("status", ColumnType.TEXT))
            .colour("2563EB").builtIn().build();

    /** Attendance: one row per student, course, date and period. */
    public static final ExportType ATTENDANCE = builder("attendance")
            .columns(Column.integer("id"), Column.integer("student_id"), Column.text("student_name"),
                    Column.text("course_code"), Column.date("date"), Column.integer("period_number"),
                    Column.text("status"), Column.text("notes"))
            .filters(FilterSpec.equalTo("student_id", ColumnType.INTEGER),
                    FilterSpec.equalTo("course_id", ColumnType.INTEGER),
                    FilterSpec.oneOf("status", "Present", "Absent", "Late", "Excused"),
                    FilterSpec.bound("date_from", "date", ColumnType.DATE, Match.AT_LEAST),
                    FilterSpec.bound("date_to", "date", ColumnType.DATE, Match.AT_MOST))
            .colour("D97706").builtIn().build();

    private static final List<ExportType> BUILT_INS = List.of(STUDENTS, COURSES, GRADES, ENROLLMENTS, ATTENDANCE);

    private final String name;
    private final List<Column> columns;
    private final Map<String, Integer> columnIndex;
    private final Map<String, FilterSpec> filters;
    private final Map<String, Map<String, String>> labels;
    private final boolean builtIn;
    private final String colour;
    private final boolean changes;

    /** The key of the column a delta export adds last: {@code upsert} or {@code delete}. */
    public static final String CHANGE = "change";

    private ExportType(Builder b) {
        this.name = b.name;
        this.columns = List.copyOf(b.columns);
        this.filters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.filters));
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            index.put(columns.get(i).key(), i);
        }
        this.columnIndex = Map.copyOf(index);
        Map<String, Map<String, String>> copy = new HashMap<>();
        b.labels.forEach((lang, map) -> copy.put(lang, Map.copyOf(map)));
        this.labels = Map.copyOf(copy);
        this.builtIn = b.builtIn;
        this.colour = b.colour;
        this.changes = b.changes;
    }

    /**
     * The type of a delta export ({@code ExportRequest.Builder.changedSince}): these columns and one more, last,
     * {@link #CHANGE}, which says whether the row was created or changed ({@code upsert}) or deleted ({@code delete},
     * with only the {@link #keyColumns() key columns} filled).
     *
     * @return the type with the change column; this type when it has it already
     */
    public ExportType withChanges() {
        if (changes) {
            return this;
        }
        Builder b = new Builder(name);
        b.columns.addAll(columns);
        b.columns.add(Column.text(CHANGE));
        b.filters.putAll(filters);
        labels.forEach((lang, map) -> b.labels.put(lang, new HashMap<>(map)));
        b.builtIn = builtIn;
        b.colour = colour;
        b.changes = true;
        return b.build();
    }

    /** @return whether this is a delta export's type, its last column {@link #CHANGE} */
    public boolean changes() {
        return changes;
    }

    /**
     * @return the columns that identify a row, which a deleted row of a delta export keeps: {@code id} and the
     *         built-in types' codes and references ({@code student_id}, {@code course_id}, {@code course_code})
     */
    public java.util.Set<String> keyColumns() {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        for (String k : List.of("id", "student_id", "course_id", "course_code")) {
            if (columnIndex.containsKey(k) && (k.equals("id") || builtIn)) {
                keys.add(k);
            }
        }
        return java.util.Collections.unmodifiableSet(keys);
    }

    /**
     * The colour formats give this type's header row (XLSX, PDF), so one type looks the same in every file.
     *
     * @return six upper-case hex digits, RGB ({@code 4F46E5} for students)
     */
    public String colour() {
        return colour;
    }

    /** @return the five built-in types: students, courses, grades, enrollments, attendance */
    public static List<ExportType> builtIns() {
        return BUILT_INS;
    }

    /**
     * @param name a type name
     * @return the built-in type of that name
     */
    public static Optional<ExportType> builtIn(String name) {
        return BUILT_INS.stream().filter(t -> t.name.equals(name)).findFirst();
    }

    /**
     * @param name the type name, lower snake case ({@code "students"})
     * @return a builder for a host-defined type
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the stable name, e.g. {@code "students"} */
    public String name() {
        return name;
    }

    /** @return the columns, in export order */
    public List<Column> columns() {
        return columns;
    }

    /**
     * @param key a column key
     * @return the column's position in {@link #columns()}, or -1 when there is no such column
     */
    public int indexOf(String key) {
        return columnIndex.getOrDefault(key, -1);
    }

    /**
     * @param key a column key
     * @return the column of that key
     */
    public Optional<Column> column(String key) {
        int i = indexOf(key);
        return i < 0 ? Optional.empty() : Optional.of(columns.get(i));
    }

    /** @return the accepted filters by key, in declaration order */
    public Map<String, FilterSpec> filters() {
        return filters;
    }

    /**
     * @return the languages this type has labels in (ISO 639 codes, always {@code en}, the fallback); a request
     *         in another language is refused
     */
    public java.util.Set<String> languages() {
        java.util.Set<String> out = new java.util.TreeSet<>(builtIn ? org.smsexport.internal.BuiltInLabels.LANGUAGES : labels.keySet());
        out.add("en");
        return java.util.Collections.unmodifiableSet(out);
    }

    /**
     * The plural display name ("Students", "Μαθητές"), used for sheet names.
     *
     * @param locale the reader's locale; unknown languages fall back to English
     * @return the label
     */
    public String label(Locale locale) {
        return lookup("type", locale).orElseGet(() -> humanize(name));
    }

    /**
     * The report title ("Student Export Report"), used by PDF and in mail.
     *
     * @param locale the reader's locale
     * @return the title
     */
    public String title(Locale locale) {
        return lookup("title", locale).orElseGet(() -> label(locale) + " Export Report");
    }

    /**
     * @param column one of this type's columns
     * @param locale the reader's locale
     * @return the column header ("First name", "Όνομα")
     */
    public String columnLabel(Column column, Locale locale) {
        return lookup(column.key(), locale).orElseGet(() -> humanize(column.key()));
    }

    /**
     * A filter's label for a form: the type's label {@code filter.<key>}, else the label of the column it is named
     * after, else the key humanized ({@code enrolled_from}: "Enrolled from").
     *
     * @param filter one of this type's filters
     * @param locale the reader's locale
     * @return the label
     */
    public String filterLabel(FilterSpec filter, Locale locale) {
        return lookup("filter." + filter.key(), locale)
                .or(() -> column(filter.key()).flatMap(c -> lookup(c.key(), locale)))
                .orElseGet(() -> humanize(filter.key()));
    }

    /**
     * A filter value's label for a form: the type's label {@code choice.<key>.<value>}, else the value itself.
     *
     * @param filter one of this type's filters
     * @param value  one of its {@link FilterSpec#allowedValues() allowed values}
     * @param locale the reader's locale
     * @return the label
     */
    public String filterChoiceLabel(FilterSpec filter, String value, Locale locale) {
        return lookup("choice." + filter.key() + "." + value, locale).orElse(value);
    }

    /**
     * @param locale the reader's locale
     * @return the headers of all columns, in order
     */
    public List<String> columnLabels(Locale locale) {
        List<String> out = new ArrayList<>(columns.size());
        for (Column c : columns) {
            out.add(columnLabel(c, locale));
        }
        return List.copyOf(out);
    }

    /**
     * Validates raw filter values and types them with {@link FilterSpec#parse(Object)}.
     *
     * @param raw filter values by key, as given by a caller
     * @return typed values by key, sorted by key
     * @throws InvalidRequestException naming every unknown key or bad value, with the valid keys
     */
    public Map<String, Object> parseFilters(Map<String, ?> raw) {
        Map<String, Object> typed = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        raw.forEach((key, value) -> {
            FilterSpec spec = filters.get(key);
            if (spec == null) {
                problems.add("Unknown filter '" + key + "' for type '" + name + "'. Valid filters: " + filters.keySet() + ".");
                return;
            }
            try {
                typed.put(key, spec.parse(value));
            } catch (InvalidRequestException e) {
                problems.add(e.getMessage());
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(String.join(" ", problems), null, null, null, name);
        }
        return java.util.Collections.unmodifiableMap(typed);
    }

    private Optional<String> lookup(String key, Locale locale) {
        if (builtIn) {
            if (key.equals("type") || key.equals("title")) {
                return BuiltInLabels.get(key + "." + name, locale);
            }
            if (key.startsWith("filter.") || key.startsWith("choice.")) {
                String rest = key.substring(7);
                return BuiltInLabels.get(key.substring(0, 7) + name + "." + rest, locale).or(() -> BuiltInLabels.get(key, locale));
            }
            // a type's own label first: student_id is the registry code in students, the internal number elsewhere
            return BuiltInLabels.get("column." + name + "." + key, locale).or(() -> BuiltInLabels.get("column." + key, locale));
        }
        Map<String, String> forLang = labels.get(locale.getLanguage());
        String v = forLang == null ? null : forLang.get(key);
        if (v == null) {
            Map<String, String> en = labels.get("en");
            v = en == null ? null : en.get(key);
        }
        return Optional.ofNullable(v);
    }

    static String humanize(String key) {
        String s = key.replace('_', ' ');
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExportType && ((ExportType) o).name.equals(name) && ((ExportType) o).columns.equals(columns);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "ExportType[" + name + ", " + columns.size() + " columns]";
    }

    /** Builds a host-defined {@link ExportType}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<Column> columns = new ArrayList<>();
        private final Map<String, FilterSpec> filters = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> labels = new HashMap<>();
        private boolean builtIn;
        private String colour = DEFAULT_COLOUR;
        private boolean changes;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * @param cols columns to append, in export order
         * @return this builder
         */
        public Builder columns(Column... cols) {
            columns.addAll(List.of(cols));
            return this;
        }

        /**
         * @param specs filters to accept
         * @return this builder
         */
        public Builder filters(FilterSpec... specs) {
            for (FilterSpec f : specs) {
                filters.put(f.key(), f);
            }
            return this;
        }

        /**
         * Adds labels for one language. Keys are {@code "type"} (plural display name), {@code "title"}
         * (report title), column keys, {@code "filter.<key>"} (a filter's label in a form) and
         * {@code "choice.<key>.<value>"} (one of a filter's allowed values). English labels are the fallback for other languages; without any,
         * the key is shown humanized ({@code first_name} → "First name").
         *
         * @param locale the language the labels are in
         * @param texts  labels by key
         * @return this builder
         */
        public Builder labels(Locale locale, Map<String, String> texts) {
            labels.computeIfAbsent(locale.getLanguage(), l -> new HashMap<>()).putAll(texts);
            return this;
        }

        /**
         * @param rgb the header colour as six hex digits ({@code "4F46E5"}, case-insensitive, an optional
         *            leading {@code #}); {@value ExportType#DEFAULT_COLOUR} when not set
         * @return this builder
         */
        public Builder colour(String rgb) {
            String hex = Objects.requireNonNull(rgb, "rgb").strip();
            this.colour = (hex.startsWith("#") ? hex.substring(1) : hex).toUpperCase(Locale.ROOT);
            return this;
        }

        Builder builtIn() {
            this.builtIn = true;
            return this;
        }

        /**
         * @return the type
         * @throws IllegalArgumentException listing every problem: bad name, no columns, duplicate keys
         */
        public ExportType build() {
            List<String> problems = new ArrayList<>();
            if (!NAME.matcher(name).matches()) {
                problems.add("name '" + name + "' is not lower snake case");
            }
            if (!COLOUR.matcher(colour).matches()) {
                problems.add("colour '" + colour + "' is not six hex digits such as 4F46E5");
            }
            if (columns.isEmpty()) {
                problems.add("no columns");
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Column c : columns) {
                if (!seen.add(c.key())) {
                    problems.add("duplicate column '" + c.key() + "'");
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Export type '" + name + "' is invalid: " + String.join("; ", problems));
            }
            return new ExportType(this);
        }
    }
}
