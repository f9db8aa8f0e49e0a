package org.smsexport.test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import javax.sql.DataSource;

/**
 * A {@link DataSource} of a database sms-export does not support: its connections say which product they are and
 * answer nothing else, so a test can see that starting a store or a service on it is refused with a clear message
 * before any SQL is sent.
 */
public final class UnsupportedDatabase {

    private UnsupportedDatabase() {
    }

    /**
     * @param product what {@code DatabaseMetaData.getDatabaseProductName()} answers ({@code Oracle})
     * @param version what {@code getDatabaseProductVersion()} answers
     * @return the data source
     */
    public static DataSource of(String product, String version) {
        DatabaseMetaData meta = (DatabaseMetaData) Proxy.newProxyInstance(DatabaseMetaData.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (p, m, a) -> switch (m.getName()) {
                    case "getDatabaseProductName" -> product;
                    case "getDatabaseProductVersion" -> version;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        Connection c = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getMetaData" -> meta;
                    case "close" -> null;
                    case "isClosed" -> false;
                    case "getAutoCommit" -> true;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getConnection" -> c;
                    case "toString" -> product + " (unsupported)";
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == a[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
