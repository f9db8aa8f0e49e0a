/** sms-export over JDBC: the SMS schema, a streaming {@code DataSource}, a persistent {@code JobStore}. */
module org.smsexport.jdbc {
    requires transitive org.smsexport.api;
    requires transitive java.sql;
    requires static org.smsexport.sample;
    requires static org.xerial.sqlitejdbc;
    requires static org.postgresql.jdbc;

    exports org.smsexport.jdbc;
}
