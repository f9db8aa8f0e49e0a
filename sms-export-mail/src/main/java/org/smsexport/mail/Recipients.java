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
        if (address == null || address.isBlank() || address.codePoints().anyMatch(Recipients::neverInAnAddress)) {
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

    /** Control characters (NUL, CR, LF, …), line and paragraph separators and other invisible format characters. */
    private static boolean neverInAnAddress(int c) {
        int t = Character.getType(c);
        return t == Character.CONTROL || t == Character.LINE_SEPARATOR || t == Character.PARAGRAPH_SEPARATOR
                || t == Character.FORMAT || t == Character.SURROGATE || t == Character.UNASSIGNED || Character.isWhitespace(c);
    }

    /** @return why something failed, on one line: its message (a server's reply ends with a line break), or its class */
    static String reason(Throwable e) {
        return oneLine(e.getMessage() == null ? e.toString() : e.getMessage().strip());
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        // invisible characters shown as escapes; a plain space stays a space
        s.codePoints().forEach(c -> b.append(c != ' ' && neverInAnAddress(c) ? String.format(java.util.Locale.ROOT, "\\u%04X", c)
                : new String(Character.toChars(c))));
        return b.toString();
    }
}
