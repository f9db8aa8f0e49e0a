/**
 * sms-export core: {@link org.smsexport.core.ExportService}, provider discovery, the job engine, atomic
 * file publishing, the JSONL metrics sink and configuration.
 */
module org.smsexport.core {
    requires transitive org.smsexport.api;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;
    requires transitive micrometer.observation;
    requires static micrometer.tracing;

    exports org.smsexport.core;

    uses org.smsexport.spi.Exporter;
    uses org.smsexport.spi.DataSource;
    uses org.smsexport.spi.Notifier;
    uses org.smsexport.spi.MetricsSink;
    uses org.smsexport.spi.StorageProvider;
}
