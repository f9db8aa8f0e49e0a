/** The sms-export command line: {@code demo} and {@code export}. */
module org.smsexport.cli {
    requires org.smsexport.core;
    requires org.smsexport.jdbc;
    requires org.smsexport.scheduler;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires jdk.httpserver;
    // read by the REST tests' HTTP client only (compile-time; nothing in the jar needs it)
    requires static java.net.http;

    opens org.smsexport.cli to info.picocli;
}
