/** The {@code json} format for sms-export, on Jackson's streaming generator. */
module org.smsexport.json {
    requires transitive org.smsexport.api;
    requires com.fasterxml.jackson.core;

    exports org.smsexport.json;

    provides org.smsexport.spi.Exporter with org.smsexport.json.JsonExporter;
}
