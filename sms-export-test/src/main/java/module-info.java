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

    exports org.smsexport.test;
}
