package org.smsexport.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedH2Test {

    @TempDir
    Path dir;

    @Test
    void opensAnH2FileInTheDirectory() throws Exception {
        try (Connection c = EmbeddedH2.in(dir).getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("H2");
        }
        assertThat(dir.resolve("scheduler.mv.db")).exists();
    }

    @Test
    void withoutTheDriverSaysWhichArtifactToAdd() {
        assertThatThrownBy(() -> EmbeddedH2.in(dir, "org.nosuchdatabase.DataSource")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("com.h2database:h2").hasMessageContaining("dataSource(");
    }
}
