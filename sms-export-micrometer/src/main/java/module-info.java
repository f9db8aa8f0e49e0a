/** A sms-export {@code MetricsSink} into Micrometer. */
module org.smsexport.micrometer {
    requires transitive org.smsexport.api;
    requires transitive micrometer.core;

    exports org.smsexport.micrometer;

    provides org.smsexport.spi.MetricsSink with org.smsexport.micrometer.MicrometerMetricsSink;
}
