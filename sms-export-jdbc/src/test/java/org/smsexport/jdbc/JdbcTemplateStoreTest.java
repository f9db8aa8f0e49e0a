package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smsexport.ExportTemplate;

/** Templates in {@code sms_export_templates} on every database: saved, read, listed, replaced and deleted, times to the microsecond. */
class JdbcTemplateStoreTest {

    @ParameterizedTest
    @MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void aTemplateIsKeptAsWritten(MoreDatabases.Db kind) {
        JdbcTemplateStore store = JdbcTemplateStore.create(kind.fresh().get());
        Instant created = Instant.parse("2026-12-07T08:15:30.123456Z");
        ExportTemplate t = new ExportTemplate("weekly-a1", "alice", "students", "xlsx", Map.of("class_division", "A1", "status", "active"),
                Map.of("orientation", "landscape"), Optional.of(Locale.forLanguageTag("el")), Optional.of("Η εβδομαδιαία λίστα"), created,
                created);
        store.insert(t);
        assertThat(store.find("alice", "weekly-a1")).contains(t);
        assertThat(store.find("bob", "weekly-a1")).isEmpty();
        ExportTemplate changed = new ExportTemplate("weekly-a1", "alice", "students", "pdf", Map.of(), Map.of(), Optional.empty(),
                Optional.empty(), created, created.plusSeconds(60));
        assertThat(store.update(changed)).isTrue();
        assertThat(store.list("alice")).containsExactly(changed);
        assertThat(store.delete("alice", "weekly-a1")).isTrue();
        assertThat(store.list("alice")).isEmpty();
    }
}
