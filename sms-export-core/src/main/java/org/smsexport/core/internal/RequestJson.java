package org.smsexport.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smsexport.ExportException;
import org.smsexport.ExportRequest;
import org.smsexport.SortKey;

/**
 * A request as the shared queue keeps it, so any node can run the job: JSON of every field but secrets. A request
 * with a secret option (a password) is not portable: only the node that accepted it, which holds the password in
 * memory, can run it.
 */
final class RequestJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestJson() {
    }

    /** @return whether an option holds a secret that is never written down */
    static boolean secret(String option) {
        return option.toLowerCase(Locale.ROOT).contains("password");
    }

    /** @return the JSON, or empty when the request holds a secret */
    static Optional<String> portable(ExportRequest r) {
        if (r.options().keySet().stream().anyMatch(RequestJson::secret)) {
            return Optional.empty();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", r.type());
        m.put("format", r.format());
        m.put("filters", r.filters());
        r.limit().ifPresent(l -> m.put("limit", l));
        List<String> sort = new ArrayList<>();
        r.sort().forEach(k -> sort.add((k.descending() ? "-" : "") + k.column()));
        m.put("sort", sort);
        m.put("owner", r.owner());
        r.notifyEmail().ifPresent(e -> m.put("notify_email", e));
        m.put("locale", r.locale().toLanguageTag());
        m.put("zone", r.zone().getId());
        m.put("options", r.options());
        r.changedSince().ifPresent(t -> m.put("changed_since", t.toString()));
        r.clientAddress().ifPresent(a -> m.put("client_address", a));
        try {
            return Optional.of(JSON.writeValueAsString(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the request the JSON holds */
    static ExportRequest read(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            ExportRequest.Builder b = ExportRequest.builder().type(n.path("type").asText()).format(n.path("format").asText())
                    .owner(n.path("owner").asText()).locale(Locale.forLanguageTag(n.path("locale").asText("en")))
                    .zone(ZoneId.of(n.path("zone").asText("UTC")));
            for (Map.Entry<String, JsonNode> f : n.path("filters").properties()) {
                JsonNode v = f.getValue();
                b.filter(f.getKey(), v.isNumber() ? v.numberValue() : v.isBoolean() ? (Object) v.asBoolean() : v.asText());
            }
            for (Map.Entry<String, JsonNode> o : n.path("options").properties()) {
                b.option(o.getKey(), o.getValue().asText());
            }
            if (n.hasNonNull("limit")) {
                b.limit(n.path("limit").asLong());
            }
            List<SortKey> sort = new ArrayList<>();
            n.path("sort").forEach(s -> sort.add(SortKey.parse(s.asText())));
            b.sort(sort);
            if (n.hasNonNull("notify_email")) {
                b.notifyEmail(n.path("notify_email").asText());
            }
            if (n.hasNonNull("changed_since")) {
                b.changedSince(Instant.parse(n.path("changed_since").asText()));
            }
            if (n.hasNonNull("client_address")) {
                b.clientAddress(n.path("client_address").asText());
            }
            return b.build();
        } catch (JsonProcessingException | RuntimeException e) {
            throw new ExportException("The queued request cannot be read: " + e.getMessage(), e);
        }
    }
}
