/**
 * Sample SMS data: {@link org.smsexport.sample.SmsData}, deterministic rows of every built-in type, for demos,
 * benchmarks and tests. Depends on the api only.
 */
module org.smsexport.sample {
    requires transitive org.smsexport.api;

    exports org.smsexport.sample;
}
