package org.smsexport.jdbc;

import java.util.regex.Pattern;

/**
 * Masks the secrets JDBC URLs can carry ({@code password=…} parameters, {@code user:secret@host}) before a URL
 * or a driver's message quoting one is shown or logged: a mistyped URL must not put a password in a terminal,
 * a log or a ticket. Thread-safe.
 */
public final class JdbcUrls {

    private static final Pattern PARAMETER = Pattern.compile("(?i)\\b(password|passwd|pwd|secret|sslpassword)=(?!\\*\\*\\*)[^&;\\s\"']*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s\"']+):[^@/\\s\"']*@");

    private JdbcUrls() {
    }

    /**
     * @param text a URL, or a message that may quote one; {@code null} stays {@code null}
     * @return the text with every password replaced by {@code ***}
     */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        return USER_INFO.matcher(PARAMETER.matcher(text).replaceAll("$1=***")).replaceAll("$1:***@");
    }
}
