package org.smsexport.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class ExportThreadsTest {

    @Test
    void namesDaemonThreadsByRoleNumberedFromOne() throws Exception {
        ThreadFactory f = ExportThreads.factory("test-role");
        Thread first = f.newThread(() -> { });
        Thread second = ExportThreads.factory("test-role").newThread(() -> { });
        assertThat(first.getName()).isEqualTo("sms-export-test-role-1");
        assertThat(second.getName()).as("one count per role, however many factories").isEqualTo("sms-export-test-role-2");
        assertThat(first.isDaemon()).isTrue();
        Thread started = ExportThreads.start("test-started", () -> { });
        started.join(5_000);
        assertThat(started.getName()).isEqualTo("sms-export-test-started-1");
        for (String bad : new String[] {"", "Worker", "a b", "x".repeat(40)}) {
            assertThatThrownBy(() -> ExportThreads.factory(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
