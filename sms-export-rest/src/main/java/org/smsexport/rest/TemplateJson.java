package org.smsexport.rest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One JSON view of an export template, for the API and the CLI. */
public final class TemplateJson {

    private TemplateJson() {
    }

    /**
     * @param t a template
     * @return it as the API answers and the CLI's {@code --json} prints it: {@code name}, {@code owner}, {@code export_type},
     *         {@code export_format}, {@code filters}, {@code options}, {@code locale}, {@code zone}, {@code description}, {@code created_at},
     *         {@code updated_at}
     */
    public static Map<String, Object> toMap(org.smsexport.ExportTemplate t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("owner", t.owner());
        m.put("export_type", t.type());
        m.put("export_format", t.format());
        m.put("filters", t.filters());
        m.put("options", t.options());
        m.put("locale", t.locale().map(Locale::toLanguageTag).orElse(null));
        m.put("zone", t.zone().map(java.time.ZoneId::getId).orElse(null));
        m.put("description", t.description().orElse(null));
        m.put("created_at", t.createdAt().toString());
        m.put("updated_at", t.updatedAt().toString());
        return m;
    }
}
