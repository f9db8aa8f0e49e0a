/** The {@code pdf} format for sms-export, on OpenPDF, with DejaVu Sans bundled. */
module org.smsexport.pdf {
    requires transitive org.smsexport.api;
    requires com.github.librepdf.openpdf;
    requires java.desktop;

    exports org.smsexport.pdf;

    provides org.smsexport.spi.Exporter with org.smsexport.pdf.PdfExporter;
}
