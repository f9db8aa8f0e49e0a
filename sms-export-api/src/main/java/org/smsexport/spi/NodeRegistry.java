package org.smsexport.spi;

import java.time.Duration;
import java.util.List;
import org.smsexport.ExportNode;

/**
 * Who is alive among the nodes sharing a {@link JobStore}: each node reports itself on every heartbeat, leaves when it
 * stops on purpose, and is forgotten after a long silence (it was killed, or its machine is gone). Heartbeat times are
 * this registry's clock (the database's for {@code JdbcJobStore}), so nodes with skewed clocks compare fairly.
 *
 * <p>Every implementation passes the test kit's {@code NodeRegistryContract}. Implementations must be thread-safe.
 */
public interface NodeRegistry {

    /**
     * Records a node's heartbeat; the stored {@link ExportNode#lastHeartbeat()} is the registry's time of the call.
     *
     * @param node the node as it is now (its {@code lastHeartbeat} is not used)
     */
    void heartbeat(ExportNode node);

    /** @param name a node that stopped on purpose: it leaves the list */
    void remove(String name);

    /** @return the nodes that reported, by name */
    List<ExportNode> nodes();

    /**
     * @param silence how long a node may be silent
     * @return how many nodes silent for longer were removed
     */
    int forgetSilent(Duration silence);
}
