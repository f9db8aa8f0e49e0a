package org.smsexport.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.smsexport.ExportNode;
import org.smsexport.spi.NodeRegistry;

/**
 * The behaviour every {@link NodeRegistry} must have, as an abstract JUnit test: extend it and return a new, empty
 * registry from {@link #newRegistry()}. Heartbeats are timed by the registry's clock, not the reporting node's; one row
 * per node; a node that leaves is gone; silent nodes are forgotten and live ones kept.
 */
public abstract class NodeRegistryContract {

    private static final Instant SKEWED = Instant.parse("1999-01-01T00:00:00Z");

    /** For subclasses. */
    protected NodeRegistryContract() {
    }

    /** @return a new registry with no nodes */
    protected abstract NodeRegistry newRegistry();

    private static ExportNode node(String name, int running) {
        return new ExportNode(name, Instant.parse("2026-11-26T08:00:00Z"), SKEWED, running, 2);
    }

    @Test
    void timesHeartbeatsByItsOwnClockAndKeepsOneRowPerNode() {
        NodeRegistry r = newRegistry();
        r.heartbeat(node("b", 0));
        r.heartbeat(node("a", 1));
        r.heartbeat(node("a", 2));
        assertThat(r.nodes()).extracting(ExportNode::name).containsExactly("a", "b");
        ExportNode a = r.nodes().get(0);
        assertThat(a.runningJobs()).isEqualTo(2);
        assertThat(a.workers()).isEqualTo(2);
        assertThat(a.startedAt()).isEqualTo(Instant.parse("2026-11-26T08:00:00Z"));
        assertThat(a.lastHeartbeat()).as("the registry's time, not the node's skewed clock").isAfter(SKEWED.plus(Duration.ofDays(3650)));
    }

    @Test
    void forgetsANodeThatLeft() {
        NodeRegistry r = newRegistry();
        r.heartbeat(node("a", 0));
        r.heartbeat(node("b", 0));
        r.remove("a");
        r.remove("nobody");
        assertThat(r.nodes()).extracting(ExportNode::name).containsExactly("b");
    }

    @Test
    void forgetsSilentNodesAndKeepsLiveOnes() throws Exception {
        NodeRegistry r = newRegistry();
        r.heartbeat(node("silent", 0));
        Instant first = r.nodes().get(0).lastHeartbeat();
        long[] beat = new long[1];
        // "live" reports until it is two seconds of the registry's time younger than "silent"
        Await.until("two seconds between the heartbeats", () -> {
            beat[0] = System.nanoTime();
            r.heartbeat(node("live", 0));
            return r.nodes().stream().filter(n -> n.name().equals("live")).findFirst().orElseThrow().lastHeartbeat()
                    .isAfter(first.plusSeconds(2));
        });
        assertThat(r.forgetSilent(Duration.ofDays(1))).isZero();
        // silent for more than one second plus the time since live's heartbeat: silent is, live is not
        Duration silence = Duration.ofSeconds(1).plusNanos(System.nanoTime() - beat[0]);
        assertThat(r.forgetSilent(silence)).isEqualTo(1);
        assertThat(r.nodes()).extracting(ExportNode::name).containsExactly("live");
    }
}
