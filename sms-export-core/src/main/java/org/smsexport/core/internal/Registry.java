package org.smsexport.core.internal;

import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.ProviderException;
import org.smsexport.UnsupportedFormatException;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.MetricsSink;
import org.smsexport.spi.Notifier;

/**
 * The providers one service uses, resolved once when it is built. Rules: explicitly registered providers
 * win over discovered ones; discovery can be switched off; two discovered exporters claiming one format
 * (with no explicit choice) is an error naming both; asking for a missing format names the module to add.
 * Immutable once built.
 */
public final class Registry {

    /** Which of our modules provides a well-known format. */
    private static final Map<String, String> MODULE_OF_FORMAT = Map.of(
            "csv", "org.smsexport:sms-export-csv",
            "xlsx", "org.smsexport:sms-export-excel",
            "pdf", "org.smsexport:sms-export-pdf");

    /** The original system's format names, still accepted. */
    private static final Map<String, String> ALIASES = Map.of("excel", "xlsx");

    private final Map<String, Exporter> exporters;
    private final Map<String, ExportType> types;
    private final Map<String, DataSource> sourceOfType;
    private final List<Notifier> notifiers;
    private final List<MetricsSink> sinks;
    /** Formats a provider writes but the configuration switched off (EXPORT_FORMATS). */
    private final java.util.Set<String> switchedOff;

    private Registry(Map<String, Exporter> exporters, Map<String, ExportType> types, Map<String, DataSource> sourceOfType,
            List<Notifier> notifiers, List<MetricsSink> sinks) {
        this(exporters, types, sourceOfType, notifiers, sinks, java.util.Set.of());
    }

    private Registry(Map<String, Exporter> exporters, Map<String, ExportType> types, Map<String, DataSource> sourceOfType,
            List<Notifier> notifiers, List<MetricsSink> sinks, java.util.Set<String> switchedOff) {
        this.switchedOff = switchedOff;
        this.exporters = exporters;
        this.types = types;
        this.sourceOfType = sourceOfType;
        this.notifiers = notifiers;
        this.sinks = sinks;
    }

    /**
     * @param enabled the formats to offer (EXPORT_FORMATS), or empty for every one found
     * @return this registry offering only those formats
     * @throws org.smsexport.InvalidRequestException when a format named is one no provider writes
     */
    public Registry offering(java.util.Set<String> enabled) {
        if (enabled.isEmpty()) {
            return this;
        }
        Map<String, Exporter> kept = new TreeMap<>();
        for (String f : enabled) {
            String id = canonicalFormat(f);
            Exporter e = exporters.get(id);
            if (e == null) {
                throw new org.smsexport.InvalidRequestException("EXPORT_FORMATS names '" + f + "', which no exporter writes. Available: "
                        + exporters.keySet() + ".");
            }
            kept.put(id, e);
        }
        java.util.Set<String> off = new java.util.TreeSet<>(exporters.keySet());
        off.removeAll(kept.keySet());
        return new Registry(java.util.Collections.unmodifiableMap(kept), types, sourceOfType, notifiers, sinks, java.util.Set.copyOf(off));
    }

    /**
     * @param explicitExporters  exporters registered on the builder
     * @param explicitSources    data sources registered on the builder
     * @param explicitNotifiers  notifiers registered on the builder
     * @param explicitSinks      metrics sinks registered on the builder
     * @param discover           whether to add providers found by {@link ServiceLoader}
     * @param loader             the class loader to discover with, or {@code null} for the default
     * @return the registry
     * @throws ProviderException when discovery finds a broken provider or two exporters for one format
     */
    public static Registry resolve(List<Exporter> explicitExporters, List<DataSource> explicitSources,
            List<Notifier> explicitNotifiers, List<MetricsSink> explicitSinks, boolean discover, ClassLoader loader) {
        Map<String, Exporter> exporters = new TreeMap<>();
        for (Exporter e : explicitExporters) {
            Exporter previous = exporters.put(e.format().id(), e);
            if (previous != null) {
                throw new ProviderException("Two exporters were registered for format '" + e.format().id() + "': "
                        + describe(previous) + " and " + describe(e) + ". Register one.");
            }
        }
        List<DataSource> sources = new ArrayList<>(explicitSources);
        List<Notifier> notifiers = new ArrayList<>(explicitNotifiers);
        List<MetricsSink> sinks = new ArrayList<>(explicitSinks);
        if (discover) {
            Map<String, List<Exporter>> found = new TreeMap<>();
            for (Exporter e : load(Exporter.class, loader)) {
                found.computeIfAbsent(e.format().id(), k -> new ArrayList<>()).add(e);
            }
            found.forEach((format, candidates) -> {
                if (exporters.containsKey(format)) {
                    return;
                }
                if (candidates.size() > 1) {
                    throw new ProviderException("Two exporters claim format '" + format + "': " + describe(candidates.get(0))
                            + " and " + describe(candidates.get(1)) + ". Remove one from the class path, or register the one "
                            + "you want with ExportService.builder().exporter(...).", null, null, format, null);
                }
                exporters.put(format, candidates.get(0));
            });
            addDiscovered(sources, DataSource.class, loader);
            addDiscovered(notifiers, Notifier.class, loader);
            addDiscovered(sinks, MetricsSink.class, loader);
        }
        Map<String, ExportType> types = new TreeMap<>();
        Map<String, DataSource> sourceOfType = new LinkedHashMap<>();
        for (DataSource s : sources) {
            for (ExportType t : s.types()) {
                if (!sourceOfType.containsKey(t.name())) {
                    sourceOfType.put(t.name(), s);
                    types.put(t.name(), t);
                }
            }
        }
        return new Registry(java.util.Collections.unmodifiableMap(exporters), java.util.Collections.unmodifiableMap(types),
                Map.copyOf(sourceOfType), List.copyOf(notifiers), List.copyOf(sinks));
    }

    /**
     * Adds the discovered providers of a class none of {@code into} has. Decided on the provider's class before it is
     * made: a provider whose constructor registers something (a metrics sink's gauge in the global registry) is never
     * made beside the host's own.
     */
    private static <T> void addDiscovered(List<T> into, Class<T> spi, ClassLoader loader) {
        List<Class<?>> present = new ArrayList<>();
        into.forEach(e -> present.add(e.getClass()));
        into.addAll(load(spi, loader, present));
    }

    private static <T> List<T> load(Class<T> spi, ClassLoader loader) {
        return load(spi, loader, List.of());
    }

    private static <T> List<T> load(Class<T> spi, ClassLoader loader, List<Class<?>> skipped) {
        ServiceLoader<T> sl = loader == null ? ServiceLoader.load(spi) : ServiceLoader.load(spi, loader);
        List<T> out = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<T> p : (Iterable<ServiceLoader.Provider<T>>) sl.stream()::iterator) {
                if (!skipped.contains(p.type())) {
                    out.add(p.get());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new ProviderException("A " + spi.getSimpleName() + " provider could not be loaded: " + e.getMessage()
                    + ". Check its META-INF/services entry and that its class has a public no-argument constructor, "
                    + "or switch discovery off (EXPORT_DISCOVERY=false) and register providers explicitly.",
                    e);
        }
        return out;
    }

    private static String describe(Object provider) {
        Class<?> c = provider.getClass();
        CodeSource src = c.getProtectionDomain() == null ? null : c.getProtectionDomain().getCodeSource();
        String where = src == null || src.getLocation() == null ? "" : " (from " + src.getLocation() + ")";
        return c.getName() + where;
    }

    /**
     * @param format a format id or alias, any case
     * @return the exporter serving it
     * @throws UnsupportedFormatException listing the available formats and naming the module to add
     */
    public Exporter exporter(String format) {
        String id = canonicalFormat(format);
        Exporter e = exporters.get(id);
        if (e == null && switchedOff.contains(id)) {
            throw new UnsupportedFormatException("Format '" + format + "' is switched off on this service (EXPORT_FORMATS). Enabled: "
                    + exporters.keySet() + ".", null, null, format, null);
        }
        if (e == null) {
            String module = MODULE_OF_FORMAT.get(id);
            String near = nearest(id);
            String hint = module != null ? " Add " + module + " to the class path."
                    : near != null ? " Did you mean '" + near + "'?"
                    : " A format comes from its module on the class path (sms-export-csv, -excel, -pdf, -json, -ods, or a plugin's).";
            throw new UnsupportedFormatException("No exporter for format '" + format + "'. Available: " + exporters.keySet()
                    + "." + hint, null, null, format, null);
        }
        return e;
    }

    /** @return the available format (or alias) a mistyped one most likely meant — {@code xls} → {@code xlsx} — or {@code null} */
    private String nearest(String id) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        java.util.Set<String> names = new java.util.TreeSet<>(exporters.keySet());
        ALIASES.forEach((alias, target) -> {
            if (exporters.containsKey(target)) {
                names.add(alias);
            }
        });
        for (String name : names) {
            int d = name.startsWith(id) || id.startsWith(name) ? 1 : distance(id, name);
            if (d < bestDistance) {
                bestDistance = d;
                best = name;
            }
        }
        return bestDistance <= 2 ? best : null;
    }

    /** @return the Levenshtein distance of two short names */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                current[j] = Math.min(Math.min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /**
     * @param format a format id or alias
     * @return the canonical id ({@code excel} → {@code xlsx}), lower case
     */
    public static String canonicalFormat(String format) {
        String f = format.strip().toLowerCase(java.util.Locale.ROOT);
        return ALIASES.getOrDefault(f, f);
    }

    /**
     * @param name an export type name
     * @return the type
     * @throws InvalidRequestException listing the available types
     */
    public ExportType type(String name) {
        ExportType t = types.get(name);
        if (t == null) {
            String hint = types.isEmpty() ? " No data source is registered: add one with ExportService.builder().dataSource(...)"
                    + " (InMemoryDataSource, or sms-export-jdbc's JdbcDataSource)." : "";
            throw new InvalidRequestException("Unknown export type '" + name + "'. Available: " + types.keySet() + "." + hint,
                    null, null, null, name);
        }
        return t;
    }

    /**
     * @param type a type this registry knows
     * @return the data source serving it
     */
    public DataSource source(ExportType type) {
        return sourceOfType.get(type.name());
    }

    /** @return the exporters by format id, sorted */
    public Map<String, Exporter> exporters() {
        return exporters;
    }

    /** @return the types by name, sorted */
    public Collection<ExportType> types() {
        return types.values();
    }

    /** @return every notifier */
    public List<Notifier> notifiers() {
        return notifiers;
    }

    /** @return every metrics sink */
    public List<MetricsSink> sinks() {
        return sinks;
    }

    /** @return the type names, sorted, for messages */
    public TreeSet<String> typeNames() {
        return new TreeSet<>(types.keySet());
    }
}
