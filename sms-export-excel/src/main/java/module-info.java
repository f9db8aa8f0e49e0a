/** The {@code xlsx} format for sms-export, on Apache POI. */
module org.smsexport.excel {
    requires transitive org.smsexport.api;
    requires org.apache.poi.poi;
    requires org.apache.poi.ooxml;

    exports org.smsexport.excel;

    provides org.smsexport.spi.Exporter with org.smsexport.excel.XlsxExporter;
}
