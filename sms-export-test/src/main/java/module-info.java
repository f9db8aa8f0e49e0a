/**
 * The sms-export test kit: {@link org.smsexport.test.ExporterContract} for format modules and plugin authors,
 * {@link org.smsexport.test.JobStoreContract}, {@link org.smsexport.test.DataSourceContract} and
 * {@link org.smsexport.test.NotifierContract} for the other SPIs, {@link org.smsexport.test.ExportApiContract} for
 * a server that carries the REST API, and {@link org.smsexport.sample.SmsData}, a deterministic generator of realistic SMS data.
 */
module org.smsexport.test {
    requires transitive org.smsexport.api;
    requires transitive org.smsexport.sample;
    requires transitive org.junit.jupiter.api;
    requires org.assertj.core;
    requires transitive java.net.http;
    requires com.fasterxml.jackson.databind;
    // InMemoryTracing: optional, as in the pom
    requires static micrometer.observation;
    requires static micrometer.tracing;
    requires static micrometer.tracing.bridge.otel;
    requires static io.opentelemetry.api;
    requires static io.opentelemetry.sdk.trace;
    requires static io.opentelemetry.sdk.testing;

    exports org.smsexport.test;
}
