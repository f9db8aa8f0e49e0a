package org.smsexport.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.smsexport.rest.ExportApi.JSON_TYPE;
import static org.smsexport.rest.ExportApi.MAX_PAGE;

/**
 * What every resource of the API shares: its paths, an answer with a status ({@link HttpError}), reading bodies and
 * queries within their limits, and writing answers in the envelope.
 */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final String BASE = "/api/v1/import-export";
    static final String EXPORTS = BASE + "/exports";
    static final String TEMPLATES = BASE + "/templates";
    static final String SCHEDULES = BASE + "/schedules";
    static final Pattern DOWNLOAD = Pattern.compile("/api/v1/export-jobs/([^/]+)/download");
    static final Pattern SCHEDULE_ACTION = Pattern.compile("/api/v1/import-export/schedules/([^/]+)/(pause|resume|run|runs)");
    static final int MAX_TEXT = 1000;
    static final int MAX_KEY = 64;
    static final int MAX_ENTRIES = 64;
    static final int MAX_OBJECT = 4000;
    static final Map<String, Integer> FIELD_LIMITS = Map.of("name", 64, "export_type", 63, "export_format", 32, "locale", 35,
            "notify_email", 320, "zone", 64, "frequency", 200, "template", 64, "catch_up", 16, "changed_since", 40);
    /** The largest request body the API reads, in bytes. */

    private Http() {
    }

    /** An answer with a status, for the error envelope. */
    static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;
        final transient Map<String, String> headers;

        HttpError(int status, String code, String message, Map<String, String> headers) {
            super(message);
            this.status = status;
            this.code = code;
            this.headers = headers;
        }

        HttpError(int status, String code, String message) {
            this(status, code, message, Map.of());
        }
    }

    static void allow(String method, String... allowed) throws HttpError {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new HttpError(405, "method_not_allowed", "Method " + method + " is not allowed here; use " + String.join(" or ", allowed)
                + ".", Map.of("Allow", String.join(", ", allowed)));
    }

    /** One page ({@code skip}, {@code limit} up to {@link #MAX_PAGE}) of a list, with its total. */
    static <T> Map<String, Object> page(Map<String, String> q, List<T> all, java.util.function.Function<T, Map<String, Object>> json)
            throws HttpError {
        int skip = number(q, "skip", 0, 0, Integer.MAX_VALUE);
        int limit = number(q, "limit", MAX_PAGE, 1, MAX_PAGE);
        List<Map<String, Object>> items = new ArrayList<>();
        for (T t : all.subList(Math.min(skip, all.size()), (int) Math.min((long) skip + limit, all.size()))) {
            items.add(json.apply(t));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("items", items);
        d.put("total", all.size());
        d.put("skip", skip);
        d.put("limit", limit);
        return d;
    }

    /**
     * @return the body's {@code filters} as text (a schedule's or template's, kept as strings), or empty when it has none
     * @throws HttpError when they are not an object
     */
    static Optional<Map<String, String>> textFilters(JsonNode body) throws HttpError {
        JsonNode f = body.get("filters");
        if (f == null || f.isNull()) {
            return Optional.empty();
        }
        if (!f.isObject()) {
            throw new HttpError(400, "bad_request", "'filters' must be an object of key: value.");
        }
        Map<String, String> out = new LinkedHashMap<>();
        f.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return Optional.of(out);
    }

    /** @return the body's {@code options}: an object of strings, each named when it is not one */
    static Map<String, String> options(JsonNode body) throws HttpError {
        JsonNode options = body.get("options");
        Map<String, String> out = new LinkedHashMap<>();
        if (options == null || options.isNull()) {
            return out;
        }
        if (!options.isObject()) {
            throw new HttpError(400, "bad_request", "'options' must be an object of name: \"value\" strings.");
        }
        for (Map.Entry<String, JsonNode> o : options.properties()) {
            if (!o.getValue().isTextual()) {
                throw new HttpError(400, "bad_request", "Option '" + o.getKey() + "' must be a string, got " + o.getValue().getNodeType()
                        .toString().toLowerCase(Locale.ROOT) + ".");
            }
            out.put(o.getKey(), o.getValue().asText());
        }
        return out;
    }

    static String text(JsonNode body, String field) throws HttpError {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new HttpError(400, "bad_request", "'" + field + "' must be a string.");
        }
        return n.asText();
    }

    static JsonNode body(Exchange ex) throws IOException, HttpError {
        return body(ex.body());
    }

    /** @return the bytes as one JSON object, its sizes checked */
    static JsonNode body(byte[] bytes) throws IOException, HttpError {
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new HttpError(400, "bad_request", "The body must be a JSON object.");
            }
            checkSizes(n);
            return n;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "bad_json", "The body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static Optional<java.time.Instant> instant(Map<String, String> q, String key) throws HttpError {
        String v = q.get(key);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(v.length() == 10 ? java.time.LocalDate.parse(v).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                    : java.time.Instant.parse(v));
        } catch (java.time.format.DateTimeParseException e) {
            throw new HttpError(400, "bad_request", "'" + key + "' must be a date (2026-12-01) or an instant (2026-12-01T08:00:00Z), got '"
                    + v + "'.");
        }
    }

    static int number(Map<String, String> q, String key, int dflt, int min, int max) throws HttpError {
        String v = q.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new HttpError(400, "bad_request", "'" + key + "' must be a whole number from " + min + " to " + max + ", got '"
                + printable(v) + "'.");
    }

    static String printable(String v) {
        String s = v.replaceAll("[^\\x20-\\x7E\\u00A0-\\uFFFF]", "?");
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }

    /**
     * Every size a body may have, checked before anything is stored: a text field's length, and the number, names
     * and values of {@code filters} and {@code options}. A body past them is a 400 that names the field and the
     * limit, never a database's "value too long".
     */
    static void checkSizes(JsonNode body) throws HttpError {
        for (Map.Entry<String, JsonNode> f : body.properties()) {
            String field = f.getKey();
            JsonNode v = f.getValue();
            if (v.isTextual()) {
                int max = FIELD_LIMITS.getOrDefault(field, MAX_TEXT);
                if (v.asText().length() > max) {
                    throw new HttpError(400, "bad_request", "'" + printable(field) + "' may be at most " + max + " characters long, got "
                            + v.asText().length() + ".");
                }
            } else if (v.isObject()) {
                if (v.size() > MAX_ENTRIES) {
                    throw new HttpError(400, "bad_request", "'" + printable(field) + "' may have at most " + MAX_ENTRIES + " entries, got "
                            + v.size() + ".");
                }
                int total = 0;
                for (Map.Entry<String, JsonNode> e : v.properties()) {
                    String value = e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString();
                    if (e.getKey().length() > MAX_KEY || value.length() > MAX_TEXT) {
                        throw new HttpError(400, "bad_request", "In '" + printable(field) + "', names may be at most " + MAX_KEY
                                + " characters and values at most " + MAX_TEXT + "; '" + printable(e.getKey()) + "' is longer.");
                    }
                    total += e.getKey().length() + value.length() + 6;
                }
                if (total > MAX_OBJECT) {
                    throw new HttpError(400, "bad_request", "'" + printable(field) + "' may hold at most " + MAX_OBJECT
                            + " characters of names and values, got about " + total + ".");
                }
            }
        }
    }

    static Map<String, String> query(Exchange ex) throws HttpError {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ex.rawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                }
            }
        }
        return q;
    }

    static String decode(String escaped) throws HttpError {
        try {
            String text = URLDecoder.decode(escaped, StandardCharsets.UTF_8);
            if (text.indexOf('\uFFFD') >= 0 && escaped.indexOf('\uFFFD') < 0) {
                throw new IllegalArgumentException("not UTF-8");
            }
            return text;
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad_request", "The query string has a malformed percent-escape or is not UTF-8: '"
                    + escaped.replaceAll("[^\\x21-\\x7E]", "?") + "'.");
        }
    }

    static void ok(Exchange ex, int status, Object data) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", true);
        m.put("data", data);
        json(ex, status, m);
    }

    static void error(Exchange ex, int status, String code, String message) throws IOException {
        ex.send(status, JSON_TYPE, envelope(code, message));
    }

    static void json(Exchange ex, int status, Object body) throws IOException {
        ex.send(status, JSON_TYPE, JSON.writeValueAsBytes(body));
    }

    /**
     * @param code    the error's code, e.g. {@code not_found}
     * @param message what a user reads
     * @return an error answer in the API's envelope: {@code {"success":false,"error":{"code":…,"message":…}}}
     */
    static byte[] envelope(String code, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", code);
        e.put("message", message);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", false);
        m.put("error", e);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
