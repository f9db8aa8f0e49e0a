/** The {@code ods} format for sms-export: OpenDocument spreadsheets, on the JDK alone. */
module org.smsexport.ods {
    requires transitive org.smsexport.api;

    exports org.smsexport.ods;

    provides org.smsexport.spi.Exporter with org.smsexport.ods.OdsExporter;
}
