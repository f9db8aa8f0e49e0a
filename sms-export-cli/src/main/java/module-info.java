/** The sms-export command line: {@code demo} and {@code export}. */
module org.smsexport.cli {
    requires org.smsexport.core;
    requires org.smsexport.jdbc;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    opens org.smsexport.cli to info.picocli;
}
