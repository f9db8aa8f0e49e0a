package org.smsexport.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smsexport.rest.Http.HttpError;

import static org.smsexport.rest.ExportApi.MAX_TEMPLATES_PER_USER;
import static org.smsexport.rest.Http.*;

/** The seed's export templates, owner-scoped. */
final class TemplatesResource extends Resource {

    TemplatesResource(Resource.Shared shared) {
        super(shared);
    }

    /** The seed's templates, owner-scoped: create, list, read, replace, delete. */
    void templates(Exchange ex, String path, String method) throws IOException, HttpError {
        ApiUser u;
        if (path.equals(TEMPLATES)) {
            allow(method, "GET", "POST");
            u = user(ex);
            if (method.equals("POST")) {
                JsonNode body = body(ex);
                String name = text(body, "name");
                if (name == null) {
                    throw new HttpError(400, "bad_request", "'name' is required: 1 to 64 characters from a-z, 0-9, '_' and '-'.");
                }
                org.smsexport.ExportTemplate t = template(body, name, u, java.time.Instant.now(), null);
                if (!u.admin() && exports.templates().list(u.name()).size() >= MAX_TEMPLATES_PER_USER) {
                    throw new HttpError(409, "limit_reached", "You have " + MAX_TEMPLATES_PER_USER + " templates, the most one user may "
                            + "keep; delete one first.");
                }
                exports.templates().save(t);
                ok(ex, 201, TemplateJson.toMap(t));
            } else {
                ok(ex, 200, page(query(ex), (u.admin() ? exports.templates().all() : exports.templates().list(u.name())), TemplateJson::toMap));
            }
            return;
        }
        allow(method, "GET", "PUT", "DELETE");
        u = user(ex);
        String name = decode(path.substring(TEMPLATES.length() + 1));
        org.smsexport.ExportTemplate existing = exports.templates().find(u.name(), name)
                .orElseThrow(() -> new HttpError(404, "not_found", "No template '" + name + "'."));
        switch (method) {
            case "GET":
                ok(ex, 200, TemplateJson.toMap(existing));
                break;
            case "PUT":
                org.smsexport.ExportTemplate changed = template(body(ex), name, u, existing.createdAt(), existing);
                exports.templates().update(changed);
                ok(ex, 200, TemplateJson.toMap(changed));
                break;
            default:
                exports.templates().delete(u.name(), name);
                ok(ex, 200, Map.of("name", name, "deleted", true));
        }
    }

    org.smsexport.ExportTemplate template(JsonNode body, String name, ApiUser u, java.time.Instant created,
            org.smsexport.ExportTemplate before) throws HttpError {
        Map<String, String> filters = textFilters(body).orElse(Map.of());
        String type = text(body, "export_type");
        String format = text(body, "export_format");
        if ((type == null || format == null) && before == null) {
            throw new HttpError(400, "bad_request", "'export_type' and 'export_format' are required.");
        }
        String locale = text(body, "locale");
        String zone = text(body, "zone");
        return new org.smsexport.ExportTemplate(name, u.name(), type != null ? type : before.type(), format != null ? format : before.format(),
                filters, options(body), Optional.ofNullable(locale).map(Locale::forLanguageTag),
                Optional.ofNullable(zone).map(org.smsexport.support.TimeZones::of), Optional.ofNullable(text(body, "description")),
                created, java.time.Instant.now());
    }
}
