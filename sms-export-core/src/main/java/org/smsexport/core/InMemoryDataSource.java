package org.smsexport.core;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.smsexport.Column;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;
import org.smsexport.FilterSpec;
import org.smsexport.InvalidRequestException;
import org.smsexport.SortKey;
import org.smsexport.support.CellText;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.RowCursor;

/**
 * A {@link DataSource} over Java objects the host already holds (or generates lazily): rows as arrays in
 * column order, as maps keyed by column key, or as objects read through an {@link Attributes} function.
 * Applies every filter of the query with the semantics of its {@link FilterSpec} (text equality ignores
 * case; search ignores case and accents), sorts when asked (by id order of the given rows otherwise), and honours the limit.
 * Without a sort, rows stream straight from the given {@link Iterable}; with one, only references to the
 * matching rows are collected and sorted.
 *
 * <p>Thread-safe when the given iterables may be iterated by several threads at once (lists may).
 */
public final class InMemoryDataSource implements DataSource {

    /**
     * Reads one attribute of a row object: a column value, or an attribute used only by filters (such as
     * {@code course_id} for grades).
     *
     * @param <T> the row class
     */
    @FunctionalInterface
    public interface Attributes<T> {
        /**
         * @param row the row object
         * @param key a column or filter attribute key
         * @return the value, or {@code null}
         */
        Object get(T row, String key);
    }

    private final Map<String, Table<?>> tables;

    private InMemoryDataSource(Map<String, Table<?>> tables) {
        this.tables = Map.copyOf(tables);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<ExportType> types() {
        List<ExportType> types = new ArrayList<>();
        tables.values().forEach(t -> types.add(t.type));
        types.sort(Comparator.comparing(ExportType::name));
        return List.copyOf(types);
    }

    @Override
    public RowCursor open(ExportQuery query) {
        return table(query).open(query);
    }

    @Override
    public OptionalLong count(ExportQuery query) {
        return OptionalLong.of(table(query).count(query));
    }

    @Override
    public String name() {
        return "in-memory";
    }

    /**
     * @return {@code true}: a delta export reads the attributes {@code created_at}, {@code updated_at} and
     *         {@code deleted_at} of rows given as maps or objects (instants, date-times or dates)
     */
    @Override
    public boolean supportsChanges() {
        return true;
    }

    private Table<?> table(ExportQuery query) {
        Table<?> t = tables.get(query.type().name());
        if (t == null) {
            throw new InvalidRequestException("The in-memory data source has no rows of type '" + query.type().name()
                    + "'. It holds: " + new java.util.TreeSet<>(tables.keySet()) + ".");
        }
        return t;
    }

    /** Builds an {@link InMemoryDataSource}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Table<?>> tables = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param type the export type
         * @param rows rows holding one value per column, in column order; filters may use column attributes only
         * @return this builder
         */
        public Builder rows(ExportType type, Iterable<Object[]> rows) {
            String[] keys = keys(type);
            return add(new Table<Object[]>(type, rows, (row, key) -> {
                int i = type.indexOf(key);
                if (i < 0) {
                    throw new InvalidRequestException("Rows of '" + type.name() + "' given as arrays have no attribute '" + key
                            + "'; give them as maps or objects to filter by it.");
                }
                return row[i];
            }, (row, i) -> row[i], keys));
        }

        /**
         * @param type the export type
         * @param rows rows as maps from column (or filter attribute) key to value
         * @return this builder
         */
        public Builder maps(ExportType type, Iterable<? extends Map<String, ?>> rows) {
            String[] keys = keys(type);
            @SuppressWarnings("unchecked")
            Iterable<Map<String, ?>> maps = (Iterable<Map<String, ?>>) rows;
            return add(new Table<Map<String, ?>>(type, maps, Map::get, (row, i) -> row.get(keys[i]), keys));
        }

        /**
         * @param <T>        the row class
         * @param type       the export type
         * @param rows       the row objects
         * @param attributes reads a column or filter attribute of a row object
         * @return this builder
         */
        public <T> Builder objects(ExportType type, Iterable<T> rows, Attributes<T> attributes) {
            String[] keys = keys(type);
            return add(new Table<T>(type, rows, attributes, (row, i) -> attributes.get(row, keys[i]), keys));
        }

        private static String[] keys(ExportType type) {
            return type.columns().stream().map(Column::key).toArray(String[]::new);
        }

        private Builder add(Table<?> table) {
            if (tables.putIfAbsent(table.type.name(), table) != null) {
                throw new IllegalArgumentException("Rows of type '" + table.type.name() + "' were already added");
            }
            return this;
        }

        /** @return the data source */
        public InMemoryDataSource build() {
            return new InMemoryDataSource(tables);
        }
    }

    /** Reads column {@code i} of a row. */
    @FunctionalInterface
    private interface Positional<T> {
        Object get(T row, int column);
    }

    /** The rows of one type and how to read them. */
    private static final class Table<T> {
        final ExportType type;
        final Iterable<T> rows;
        final Attributes<T> attributes;
        final Positional<T> positional;
        final String[] keys;

        Table(ExportType type, Iterable<T> rows, Attributes<T> attributes, Positional<T> positional, String[] keys) {
            this.type = Objects.requireNonNull(type, "type");
            this.rows = Objects.requireNonNull(rows, "rows");
            this.attributes = attributes;
            this.positional = positional;
            this.keys = keys;
        }

        long count(ExportQuery q) {
            boolean filtered = !q.filters().isEmpty() || q.changedSince().isPresent();
            if (!filtered && rows instanceof java.util.Collection) {
                return ((java.util.Collection<T>) rows).size();
            }
            long n = 0;
            for (T row : rows) {
                if (!filtered || matches(row, q)) {
                    n++;
                }
            }
            return n;
        }

        RowCursor open(ExportQuery q) {
            Iterator<T> source;
            if (q.sort().isEmpty()) {
                source = rows.iterator();
            } else {
                List<T> matching = new ArrayList<>();
                for (T row : rows) {
                    if (matches(row, q)) {
                        matching.add(row);
                    }
                }
                matching.sort(comparator(q.sort()));
                source = matching.iterator();
            }
            long limit = q.limit().orElse(Long.MAX_VALUE);
            // sorted rows were filtered while collecting; unfiltered queries need no check per row
            boolean filtered = q.sort().isEmpty() && (!q.filters().isEmpty() || q.changedSince().isPresent());
            boolean delta = q.type().changes();
            java.util.Set<String> deltaKeys = q.type().keyColumns();
            return new RowCursor() {
                private T current;
                private long returned;

                @Override
                public boolean next() {
                    current = null;
                    if (returned >= limit) {
                        return false;
                    }
                    while (source.hasNext()) {
                        T row = source.next();
                        if (!filtered || matches(row, q)) {
                            current = row;
                            returned++;
                            return true;
                        }
                    }
                    return false;
                }

                @Override
                public Object get(int column) {
                    if (current == null) {
                        throw new IllegalStateException("No current row: call next() first");
                    }
                    if (delta) {
                        boolean deleted = attributes.get(current, "deleted_at") != null;
                        if (column == keys.length) {
                            return deleted ? "delete" : "upsert";
                        }
                        if (deleted && !deltaKeys.contains(keys[column])) {
                            return null;
                        }
                    }
                    return positional.get(current, column);
                }

                @Override
                public void close() {
                    current = null;
                }
            };
        }

        private Comparator<T> comparator(List<SortKey> sort) {
            Comparator<T> c = null;
            for (SortKey k : sort) {
                Comparator<T> one = Comparator.comparing(row -> attributes.get(row, k.column()),
                        Comparator.nullsLast(Table::compareValues));
                if (k.descending()) {
                    one = one.reversed();
                }
                c = c == null ? one : c.thenComparing(one);
            }
            return c;
        }

        private boolean matches(T row, ExportQuery q) {
            if (q.changedSince().isPresent()) {
                // created, changed or soft-deleted since the watermark
                boolean changed = false;
                for (String key : new String[] {"created_at", "updated_at", "deleted_at"}) {
                    Object t = attributes.get(row, key);
                    changed |= t != null && !CellText.toZoned(t, java.time.ZoneOffset.UTC).toInstant().isBefore(q.changedSince().get());
                }
                if (!changed) {
                    return false;
                }
            }
            for (Map.Entry<String, Object> f : q.filters().entrySet()) {
                FilterSpec spec = type.filters().get(f.getKey());
                if (spec == null || !matches(row, spec, f.getValue())) {
                    return false;
                }
            }
            return true;
        }

        private boolean matches(T row, FilterSpec spec, Object value) {
            switch (spec.match()) {
                case SEARCH:
                    String needle = FilterSpec.searchKey(value.toString());
                    for (String attr : spec.attributes()) {
                        Object v = attributes.get(row, attr);
                        if (v != null && FilterSpec.searchKey(v.toString()).contains(needle)) {
                            return true;
                        }
                    }
                    return false;
                case EQUALS:
                    Object v = attributes.get(row, spec.attributes().get(0));
                    if (v instanceof CharSequence && value instanceof String) {
                        return v.toString().equalsIgnoreCase((String) value);
                    }
                    return v != null && compareValues(v, value) == 0;
                case AT_LEAST:
                    Object lo = attributes.get(row, spec.attributes().get(0));
                    return lo != null && compareValues(lo, value) >= 0;
                case AT_MOST:
                    Object hi = attributes.get(row, spec.attributes().get(0));
                    return hi != null && compareValues(hi, value) <= 0;
                default:
                    throw new AssertionError(spec.match());
            }
        }

        /** Compares numbers by value, date-times by instant, everything else by natural order. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        static int compareValues(Object a, Object b) {
            if (a instanceof Number && b instanceof Number) {
                return toBig((Number) a).compareTo(toBig((Number) b));
            }
            if (a instanceof Temporal && b instanceof Instant || a instanceof Instant && b instanceof Temporal) {
                return CellText.toZoned(a, java.time.ZoneOffset.UTC).toInstant()
                        .compareTo(CellText.toZoned(b, java.time.ZoneOffset.UTC).toInstant());
            }
            if (a instanceof CharSequence && b instanceof CharSequence) {
                return a.toString().compareTo(b.toString());
            }
            if (a instanceof Comparable && a.getClass() == b.getClass()) {
                return ((Comparable) a).compareTo(b);
            }
            throw new InvalidRequestException("Cannot compare a " + a.getClass().getSimpleName() + " with a "
                    + b.getClass().getSimpleName() + " in the in-memory data source.");
        }

        private static BigDecimal toBig(Number n) {
            if (n instanceof BigDecimal) {
                return (BigDecimal) n;
            }
            if (n instanceof Double || n instanceof Float) {
                return BigDecimal.valueOf(n.doubleValue());
            }
            return BigDecimal.valueOf(n.longValue());
        }
    }
}
