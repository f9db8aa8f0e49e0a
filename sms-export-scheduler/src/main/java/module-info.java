/** Scheduled exports for sms-export, on db-scheduler. */
module org.smsexport.scheduler {
    requires transitive org.smsexport.core;
    requires transitive java.sql;
    requires com.github.kagkarlsson.scheduler;
    requires java.management;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports org.smsexport.scheduler;
}
