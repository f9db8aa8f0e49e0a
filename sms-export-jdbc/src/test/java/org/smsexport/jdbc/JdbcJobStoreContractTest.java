package org.smsexport.jdbc;

import org.junit.jupiter.api.Nested;
import org.smsexport.spi.JobStore;
import org.smsexport.test.JobStoreContract;

/** The job store contract on both real databases. */
class JdbcJobStoreContractTest {

    @Nested
    class OnH2 extends JobStoreContract {
        @Override
        protected JobStore newStore() {
            return JdbcJobStore.create(Databases.H2.fresh());
        }
    }

    @Nested
    class OnPostgresql extends JobStoreContract {
        @Override
        protected JobStore newStore() {
            return JdbcJobStore.create(Databases.POSTGRESQL.fresh());
        }
    }
}
