package org.smsexport.mail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.smsexport.InvalidRequestException;

/** Checks email addresses strictly: one address, no display-name tricks, no line breaks. */
final class Recipients {

    private Recipients() {
    }

    static boolean valid(String address) {
        try {
            parse(address);
            return true;
        } catch (InvalidRequestException e) {
            return false;
        }
    }

    static InternetAddress parse(String address) {
        if (address == null || address.isBlank() || address.indexOf('\r') >= 0 || address.indexOf('\n') >= 0) {
            throw new InvalidRequestException("'" + oneLine(address) + "' is not an email address.");
        }
        try {
            InternetAddress a = new InternetAddress(address.strip(), true);
            a.validate();
            if (a.getPersonal() != null || !a.getAddress().contains("@")) {
                throw new AddressException("not a bare address");
            }
            return a;
        } catch (AddressException e) {
            throw new InvalidRequestException("'" + oneLine(address) + "' is not an email address.");
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ");
    }
}
