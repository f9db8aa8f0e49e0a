/** The {@code csv} format for sms-export, on FastCSV. */
module org.smsexport.csv {
    requires transitive org.smsexport.api;
    requires de.siegmar.fastcsv;
    requires zip4j;

    exports org.smsexport.csv;

    provides org.smsexport.spi.Exporter with org.smsexport.csv.CsvExporter;
}
