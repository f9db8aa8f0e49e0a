package org.smsexport.rest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smsexport.ExportFormat;
import org.smsexport.ExportType;
import org.smsexport.rest.Http.HttpError;

import static org.smsexport.rest.Http.*;

/** What the service offers and how it is set up: health, types, formats, settings, mail settings and their test. */
final class SettingsResource extends Resource {

    SettingsResource(Resource.Shared shared) {
        super(shared);
    }

    /** {@code GET /health}: liveness, without signing in. */
    void health(Exchange ex) throws IOException, HttpError {
        allow(ex.method(), "GET");
        json(ex, 200, Map.of("status", "ok"));
    }

    /** {@code GET /types?locale=el}: what a form needs. */
    void typesRoute(Exchange ex) throws IOException, HttpError {
        allow(ex.method(), "GET");
        user(ex);
        ok(ex, 200, types(query(ex)));
    }

    /** {@code GET /me}: who the caller is to this API, whether an administrator, and the service's time zone. */
    void me(Exchange ex) throws IOException, HttpError {
        allow(ex.method(), "GET");
        ApiUser u = user(ex);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", u.name());
        d.put("admin", u.admin());
        d.put("time_zone", exports.config().timeZone().getId());
        ok(ex, 200, d);
    }

    /** {@code GET /formats}. */
    void formatsRoute(Exchange ex) throws IOException, HttpError {
        allow(ex.method(), "GET");
        user(ex);
        formats(ex);
    }

    /** {@code GET /settings}: how the service is configured, as the original admin page reads it (read-only). */
    void settingsRoute(Exchange ex) throws IOException, HttpError {
        allow(ex.method(), "GET");
        user(ex);
        ok(ex, 200, settings());
    }

    /** {@code GET /settings/email}: the mail configuration, never a password. */
    void email(Exchange ex) throws IOException, HttpError {
        allow(ex.method(), "GET");
        user(ex);
        EmailSettings e = shared.email;
        Map<String, Object> d = new LinkedHashMap<>();
        if (e == null) {
            d.put("enabled", false);
            d.put("smtp_host", null);
            d.put("smtp_port", null);
            d.put("from_email", null);
            d.put("admin_emails", List.of());
        } else {
            d.putAll(e.view());
            d.remove("smtp_password");
        }
        ok(ex, 200, d);
    }

    /** {@code POST /settings/email/test}: admins only, a test mail now; whether the mail server took it. */
    void emailTest(Exchange ex) throws IOException, HttpError {
        allow(ex.method(), "POST");
        if (!user(ex).admin()) {
            throw new HttpError(403, "forbidden", "Sending a test mail is for administrators.");
        }
        String to = text(body(ex), "recipient_email");
        if (to == null || to.isBlank()) {
            throw new HttpError(400, "bad_request", "'recipient_email' is required: where to send the test mail.");
        }
        EmailSettings e = shared.email;
        if (e == null) {
            throw new HttpError(409, "not_configured", "No mail server is configured (SMTP_HOST, ENABLE_EMAIL_NOTIFICATIONS).");
        }
        Optional<String> failed = e.sendTest(to.strip());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("success", failed.isEmpty());
        d.put("recipient_email", to.strip());
        d.put("error", failed.orElse(null));
        ok(ex, 200, d);
    }

    /** The original admin page's ExportSettings, as this service is configured (read-only: they come from EXPORT_* settings). */
    Map<String, Object> settings() {
        org.smsexport.core.ExportConfig c = exports.config();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("retention_days", c.retentionDays());
        d.put("cleanup_enabled", c.retentionDays() > 0);
        d.put("cleanup_schedule", c.cleanupSchedule());
        d.put("max_concurrent_exports", c.workers());
        d.put("export_timeout_seconds", c.jobTimeout().toSeconds());
        d.put("max_records_per_export", c.maxRecords());
        d.put("archive_enabled", c.retentionDays() > 0 && c.archivePath() != null);
        d.put("archive_after_days", c.retentionDays());
        d.put("formats", exports.formats().stream().map(ExportFormat::id).toList());
        d.put("read_only", true);
        return d;
    }

    /** Every type and format with what a form needs: columns, filters with their value types and choices, options. */
    Map<String, Object> types(Map<String, String> q) {
        Locale locale = Locale.forLanguageTag(q.getOrDefault("locale", "en"));
        List<Map<String, Object>> types = new ArrayList<>();
        for (ExportType t : exports.types()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("label", t.label(locale));
            m.put("languages", List.copyOf(new java.util.TreeSet<>(t.languages())));
            List<Map<String, Object>> columns = new ArrayList<>();
            for (org.smsexport.Column c : t.columns()) {
                columns.add(Map.of("key", c.key(), "type", c.type().id(), "label", t.columnLabel(c, locale)));
            }
            m.put("columns", columns);
            List<Map<String, Object>> filters = new ArrayList<>();
            for (org.smsexport.FilterSpec f : t.filters().values()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("key", f.key());
                fm.put("value_type", f.valueType().id());
                fm.put("match", f.match().name().toLowerCase(Locale.ROOT));
                fm.put("choices", f.allowedValues());
                fm.put("label", t.filterLabel(f, locale));
                Map<String, String> choiceLabels = new LinkedHashMap<>();
                f.allowedValues().forEach(v -> choiceLabels.put(v, t.filterChoiceLabel(f, v, locale)));
                fm.put("choice_labels", choiceLabels);
                filters.add(fm);
            }
            m.put("filters", filters);
            types.add(m);
        }
        List<Map<String, Object>> formats = new ArrayList<>();
        for (ExportFormat f : exports.formats()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("id", f.id());
            fm.put("extension", f.extension());
            fm.put("media_type", f.mediaType());
            fm.put("options", List.copyOf(exports.options(f.id())));
            List<Map<String, Object>> specs = new ArrayList<>();
            for (org.smsexport.spi.OptionSpec o : exports.optionSpecs(f.id())) {
                Map<String, Object> om = new LinkedHashMap<>();
                om.put("key", o.key());
                om.put("type", o.kind().id());
                om.put("label", o.label(locale));
                om.put("default", o.defaultValue().orElse(null));
                om.put("choices", o.choices());
                Map<String, String> choiceLabels = new LinkedHashMap<>();
                o.choices().forEach(v -> choiceLabels.put(v, o.choiceLabel(v, locale)));
                om.put("choice_labels", choiceLabels);
                specs.add(om);
            }
            fm.put("option_specs", specs);
            formats.add(fm);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("types", types);
        d.put("formats", formats);
        return d;
    }

    void formats(Exchange ex) throws IOException {
        List<Map<String, Object>> formats = new ArrayList<>();
        for (ExportFormat f : exports.formats()) {
            formats.add(Map.of("id", f.id(), "extension", f.extension(), "media_type", f.mediaType()));
        }
        List<Map<String, Object>> types = new ArrayList<>();
        for (ExportType t : exports.types()) {
            types.add(Map.of("name", t.name(), "columns", t.columns().stream().map(c -> c.key()).toList(), "filters",
                    List.copyOf(t.filters().keySet())));
        }
        ok(ex, 200, Map.of("formats", formats, "types", types));
    }
}
