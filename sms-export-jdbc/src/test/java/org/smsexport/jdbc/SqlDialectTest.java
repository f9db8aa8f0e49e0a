package org.smsexport.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smsexport.support.SqlDialect;

/** What SqlDialect promises, on each database: instants round-trip and sort as time does, the clock is UTC, DDL runs twice. */
class SqlDialectTest {

    @ParameterizedTest
    @MethodSource("org.smsexport.jdbc.MoreDatabases#all")
    void instantsRoundTripAndSortAndTheIndexDdlRunsTwice(MoreDatabases.Db kind) throws Exception {
        DataSource db = kind.fresh().get();
        SqlDialect d = SqlDialect.of(db);
        List<Instant> times = List.of(Instant.parse("2026-12-07T08:00:00.123456Z"), Instant.parse("2026-12-07T08:00:00Z"),
                Instant.parse("1999-01-01T23:59:59.5Z"), Instant.parse("2026-12-07T08:00:00.000001Z"));
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            d.execute(s, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, at " + d.timestamp() + ")");
            d.execute(s, "CREATE INDEX IF NOT EXISTS t_at ON t (at)");
            d.execute(s, "CREATE INDEX IF NOT EXISTS t_at ON t (at)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, at) VALUES (?, ?)")) {
                for (int i = 0; i < times.size(); i++) {
                    ps.setInt(1, i);
                    d.setInstant(ps, 2, times.get(i));
                    ps.executeUpdate();
                }
            }
            List<Instant> sorted = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT at FROM t ORDER BY at")) {
                while (rs.next()) {
                    sorted.add(d.getInstant(rs, 1));
                }
            }
            assertThat(sorted).containsExactlyElementsOf(times.stream().sorted().toList());
            try (ResultSet rs = s.executeQuery("SELECT " + d.now())) {
                rs.next();
                assertThat(d.getInstant(rs, 1)).as("the database's clock, read as UTC").isBetween(Instant.now().minusSeconds(120),
                        Instant.now().plusSeconds(120));
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM t WHERE at <= " + d.now())) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("stored instants compare with the database's now").isEqualTo(times.size());
                }
            }
        }
    }
}
