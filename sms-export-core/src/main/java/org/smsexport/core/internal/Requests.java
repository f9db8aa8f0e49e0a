package org.smsexport.core.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.smsexport.ExportQuery;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.InvalidRequestException;
import org.smsexport.SortKey;
import org.smsexport.StorageException;
import org.smsexport.core.ExportConfig;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.Notifier;

/**
 * Checks a request before any job exists: its type, format, options, filters, locale, sort and recipient, every
 * problem in one message, then (for a job about to run) the output directory. Thread-safe.
 */
final class Requests {

    private final Registry registry;
    private final ExportConfig config;

    Requests(Registry registry, ExportConfig config) {
        this.registry = registry;
        this.config = config;
    }

    /**
     * @param checkDirectory whether the output directory must exist: a submitted job needs it; checking a request
     *                       (a schedule being stored by a process that runs no export) does not
     */
    /** The longest filter value a request may have (the REST API's limit on any text value). */
    static final int MAX_FILTER_VALUE = 1000;
    /** The most characters of names and values all of a request's filters may have (what the audit trail keeps). */
    static final int MAX_FILTERS = 3500;

    Prepared prepare(ExportRequest request, boolean checkDirectory) {
        // written in the service's zone when neither the request nor its template names one
        ExportRequest r = request.requestedZone().isPresent() ? request : request.toBuilder().zone(config.timeZone()).build();
        ExportType type = registry.type(r.type());
        Exporter exporter = registry.exporter(r.format());
        List<String> problems = new ArrayList<>();
        for (String key : r.options().keySet()) {
            if (!exporter.options().contains(key)) {
                problems.add("Unknown option '" + key + "' for format '" + exporter.format().id() + "'. Valid options: "
                        + new java.util.TreeSet<>(exporter.options()) + ".");
            }
        }
        Map<String, Object> filters = Map.of();
        try {
            filters = type.parseFilters(r.filters());
        } catch (InvalidRequestException e) {
            problems.add(e.getMessage());
        }
        // every job is audited with its filters: a filter too long for the trail would leave the job unaudited
        int total = 0;
        for (Map.Entry<String, ?> f : r.filters().entrySet()) {
            int length = String.valueOf(f.getValue()).length();
            total += f.getKey().length() + length + 2;
            if (length > MAX_FILTER_VALUE) {
                problems.add("Filter '" + f.getKey() + "' is " + String.format(java.util.Locale.ROOT, "%,d", length) + " characters long; "
                        + "a filter value may have at most " + String.format(java.util.Locale.ROOT, "%,d", MAX_FILTER_VALUE) + ".");
            }
        }
        if (total > MAX_FILTERS && problems.isEmpty()) {
            problems.add("The filters are " + String.format(java.util.Locale.ROOT, "%,d", total) + " characters long together; at most "
                    + String.format(java.util.Locale.ROOT, "%,d", MAX_FILTERS) + ".");
        }
        Set<String> languages = type.languages();
        if (!languages.contains(r.locale().getLanguage())) {
            problems.add("Unknown locale '" + r.locale().toLanguageTag() + "' for " + type.name() + ". Available: " + languages
                    + ".");
        }
        if (r.notifyEmail().isPresent()) {
            for (Notifier n : registry.notifiers()) {
                try {
                    n.checkRecipient(r.notifyEmail().get());
                } catch (InvalidRequestException e) {
                    problems.add(e.getMessage());
                    break;
                }
            }
        }
        for (SortKey k : r.sort()) {
            if (type.indexOf(k.column()) < 0) {
                problems.add("Cannot sort " + type.name() + " by '" + k.column() + "'. Sortable columns: "
                        + type.columns().stream().map(c -> c.key()).toList() + ".");
            }
        }
        if (r.changedSince().isPresent()) {
            registry.source(type).changesUnsupported(type).ifPresent(problems::add);
        }
        if (r.changedSince().isPresent() && r.changedSince().get().isAfter(java.time.Instant.now().plusSeconds(60))) {
            problems.add("changed_since " + r.changedSince().get() + " is in the future; nothing can have changed since then.");
        }
        if (config.requireEncryption() && !r.options().containsKey("password")) {
            problems.add("This service encrypts every export (EXPORT_REQUIRE_ENCRYPTION=true): give the option 'password'"
                    + (exporter.options().contains("password") ? "." : "; format '" + exporter.format().id() + "' has none, so choose one that does."));
        }
        if (problems.isEmpty()) {
            try {
                exporter.validateOptions(r.options());
            } catch (InvalidRequestException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(String.join(" ", problems), null, null, exporter.format().id(), type.name());
        }
        if (checkDirectory) {
            checkOutputDirectory();
        }
        org.smsexport.spi.DataSource source = registry.source(type);
        // a delta export: the rows changed since the watermark, each saying upsert or delete in one more column
        ExportType exported = r.changedSince().isPresent() ? type.withChanges() : type;
        ExportQuery query = new ExportQuery(exported, filters, OptionalLong.empty(), r.sort(), r.changedSince());
        return new Prepared(r, exported, exporter, source, query);
    }

    private void checkOutputDirectory() {
        Path dir = config.outputDirectory();
        if (!Files.isDirectory(dir)) {
            throw new StorageException("Output directory '" + dir.toAbsolutePath() + "' does not exist. Create it, or point "
                    + "EXPORT_OUTPUT_DIR at an existing directory.");
        }
        if (!Files.isWritable(dir)) {
            throw new StorageException("Output directory '" + dir.toAbsolutePath() + "' is not writable by this process. "
                    + "Fix its permissions, or point EXPORT_OUTPUT_DIR elsewhere.");
        }
    }
}
