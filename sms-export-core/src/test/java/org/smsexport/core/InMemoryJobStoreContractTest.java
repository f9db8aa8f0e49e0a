package org.smsexport.core;

import org.junit.jupiter.api.Nested;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.NodeRegistry;
import org.smsexport.test.JobQueueContract;
import org.smsexport.test.JobStoreContract;
import org.smsexport.test.NodeRegistryContract;

/** The in-memory store as a store, a queue and a registry. */
class InMemoryJobStoreContractTest {

    @Nested
    class AsStore extends JobStoreContract {
        @Override
        protected JobStore newStore() {
            return new InMemoryJobStore();
        }
    }

    @Nested
    class AsQueue extends JobQueueContract {
        @Override
        protected Shared newQueue() {
            InMemoryJobStore store = new InMemoryJobStore();
            return new Shared(store, store);
        }
    }

    @Nested
    class AsRegistry extends NodeRegistryContract {
        @Override
        protected NodeRegistry newRegistry() {
            return new InMemoryJobStore();
        }
    }
}
