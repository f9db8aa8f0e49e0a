/** The sms-export REST API, transport-independent: {@link org.smsexport.rest.ExportApi} over an {@link org.smsexport.rest.Exchange}. */
module org.smsexport.rest {
    requires transitive org.smsexport.core;
    requires transitive org.smsexport.scheduler;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static com.nimbusds.jose.jwt;

    exports org.smsexport.rest;
}
