/** The sms-export REST API, transport-independent: {@link org.smsexport.rest.ExportApi} over an {@link org.smsexport.rest.Exchange}. */
module org.smsexport.rest {
    requires transitive org.smsexport.core;
    requires transitive org.smsexport.scheduler;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static com.nimbusds.jose.jwt;
    requires static org.eclipse.jetty.server;
    requires static org.eclipse.jetty.http;
    requires static org.eclipse.jetty.io;
    requires static org.eclipse.jetty.util;

    // read by the tests' HTTP client only (compile-time; nothing in the jar needs it)
    requires static java.net.http;

    exports org.smsexport.rest;
}
