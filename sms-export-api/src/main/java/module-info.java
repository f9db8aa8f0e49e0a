/**
 * The sms-export model and SPI: what hosts pass to {@code ExportService} and what plugin authors
 * implement. Depends on slf4j-api only (and the JDK's {@code java.sql}, for the
 * database a job store shares with other parts).
 */
module org.smsexport.api {
    requires transitive org.slf4j;
    requires transitive java.sql;

    exports org.smsexport;
    exports org.smsexport.spi;
    exports org.smsexport.support;
}
