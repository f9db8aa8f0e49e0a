/**
 * The sms-export model and SPI: what hosts pass to {@code ExportService} and what plugin authors
 * implement. Depends on slf4j-api only.
 */
module org.smsexport.api {
    requires transitive org.slf4j;

    exports org.smsexport;
    exports org.smsexport.spi;
}
