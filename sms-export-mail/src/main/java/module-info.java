/** The sms-export mail notifier, over SMTP with Angus Mail. */
module org.smsexport.mail {
    requires transitive org.smsexport.api;
    requires transitive jakarta.mail;
    requires org.slf4j;
    requires transitive java.sql;

    exports org.smsexport.mail;

    provides org.smsexport.spi.Notifier with org.smsexport.mail.MailNotifier;
}
