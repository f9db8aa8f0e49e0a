package org.smsexport.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.smsexport.ExportNode;
import org.smsexport.spi.NodeRegistry;

/** A {@link NodeRegistry} in this process's memory, timed by one clock. Thread-safe. */
public final class LocalNodes implements NodeRegistry {

    private final Map<String, ExportNode> nodes = new ConcurrentHashMap<>();
    private final Clock clock;

    /** @param clock the clock heartbeats are timed by */
    public LocalNodes(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void heartbeat(ExportNode node) {
        nodes.put(node.name(), new ExportNode(node.name(), node.startedAt(), clock.instant(), node.runningJobs(), node.workers()));
    }

    @Override
    public void remove(String name) {
        nodes.remove(name);
    }

    @Override
    public List<ExportNode> nodes() {
        return nodes.values().stream().sorted(Comparator.comparing(ExportNode::name)).collect(Collectors.toUnmodifiableList());
    }

    @Override
    public int forgetSilent(Duration silence) {
        Instant before = clock.instant().minus(silence);
        int n = 0;
        for (ExportNode e : nodes.values()) {
            if (e.lastHeartbeat().isBefore(before) && nodes.remove(e.name(), e)) {
                n++;
            }
        }
        return n;
    }
}
