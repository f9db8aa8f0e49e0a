package org.smsexport.mail;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.smsexport.spi.Notifier;
import org.smsexport.test.NotifierContract;

/** The notifier contract against a real SMTP server (GreenMail). */
class MailNotifierContractTest extends NotifierContract {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @Override
    protected Notifier newNotifier() {
        return new MailNotifier(MailNotifierTest.config(smtp.getSmtp().getPort(), Map.of()));
    }

    @Override
    protected int deliveredTo(String address) {
        int n = 0;
        for (MimeMessage m : smtp.getReceivedMessages()) {
            try {
                for (Address a : m.getAllRecipients()) {
                    if (a.toString().equalsIgnoreCase(address)) {
                        n++;
                    }
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return n;
    }

    @Override
    protected Notifier unreachableNotifier() {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new MailNotifier(MailNotifierTest.config(port, Map.of("SMTP_RETRIES", "0")));
    }
}
