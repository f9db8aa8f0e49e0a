package org.smsexport.jdbc;

import org.junit.jupiter.api.Nested;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.NodeRegistry;
import org.smsexport.test.JobQueueContract;
import org.smsexport.test.JobStoreContract;
import org.smsexport.test.NodeRegistryContract;

/** The job store, queue and node registry contracts on every database: H2, PostgreSQL, SQLite, MariaDB. */
class JdbcJobStoreContractTest {

    @Nested
    class StoreOnH2 extends JobStoreContract {
        @Override
        protected JobStore newStore() {
            return JdbcJobStore.create(Databases.H2.fresh());
        }
    }

    @Nested
    class StoreOnPostgresql extends JobStoreContract {
        @Override
        protected JobStore newStore() {
            return JdbcJobStore.create(Databases.POSTGRESQL.fresh());
        }
    }

    @Nested
    class QueueOnH2 extends JobQueueContract {
        @Override
        protected Shared newQueue() {
            JdbcJobStore store = JdbcJobStore.create(Databases.H2.fresh());
            return new Shared(store, store);
        }
    }

    @Nested
    class QueueOnPostgresql extends JobQueueContract {
        @Override
        protected Shared newQueue() {
            JdbcJobStore store = JdbcJobStore.create(Databases.POSTGRESQL.fresh());
            return new Shared(store, store);
        }
    }

    @Nested
    class RegistryOnH2 extends NodeRegistryContract {
        @Override
        protected NodeRegistry newRegistry() {
            return JdbcJobStore.create(Databases.H2.fresh());
        }
    }

    @Nested
    class RegistryOnPostgresql extends NodeRegistryContract {
        @Override
        protected NodeRegistry newRegistry() {
            return JdbcJobStore.create(Databases.POSTGRESQL.fresh());
        }
    }

    @Nested
    class StoreOnSqlite extends JobStoreContract {
        @Override
        protected JobStore newStore() {
            return JdbcJobStore.create(MoreDatabases.SQLITE.fresh());
        }
    }

    @Nested
    class QueueOnSqlite extends JobQueueContract {
        @Override
        protected Shared newQueue() {
            JdbcJobStore store = JdbcJobStore.create(MoreDatabases.SQLITE.fresh());
            return new Shared(store, store);
        }
    }

    @Nested
    class RegistryOnSqlite extends NodeRegistryContract {
        @Override
        protected NodeRegistry newRegistry() {
            return JdbcJobStore.create(MoreDatabases.SQLITE.fresh());
        }
    }

    @Nested
    class StoreOnMariaDb extends JobStoreContract {
        @Override
        protected JobStore newStore() {
            return JdbcJobStore.create(MoreDatabases.MARIADB.fresh());
        }
    }

    @Nested
    class QueueOnMariaDb extends JobQueueContract {
        @Override
        protected Shared newQueue() {
            JdbcJobStore store = JdbcJobStore.create(MoreDatabases.MARIADB.fresh());
            return new Shared(store, store);
        }
    }

    @Nested
    class RegistryOnMariaDb extends NodeRegistryContract {
        @Override
        protected NodeRegistry newRegistry() {
            return JdbcJobStore.create(MoreDatabases.MARIADB.fresh());
        }
    }
}
