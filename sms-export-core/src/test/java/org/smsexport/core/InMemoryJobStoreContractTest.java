package org.smsexport.core;

import org.smsexport.spi.JobStore;
import org.smsexport.test.JobStoreContract;

class InMemoryJobStoreContractTest extends JobStoreContract {

    @Override
    protected JobStore newStore() {
        return new InMemoryJobStore();
    }
}
