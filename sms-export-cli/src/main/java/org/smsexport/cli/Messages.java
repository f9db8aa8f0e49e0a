package org.smsexport.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.smsexport.jdbc.JdbcUrls;

/**
 * Turns an exception into the one line a user sees: its message in plain words (a file error says what is wrong
 * with which path, not the Java class that reported it), never a password from a JDBC URL.
 */
final class Messages {

    private Messages() {
    }

    static String oneLine(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.io.UncheckedIOException || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t instanceof FileSystemException ? fileProblem((FileSystemException) t) : t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getCause() != null && t.getCause().getMessage() != null ? t.getCause().getMessage() : "unexpected " + t.getClass().getSimpleName();
        }
        // a message that quotes a file error ends with the exception's toString(): say it in words
        Throwable cause = t.getCause();
        if (cause instanceof FileSystemException && cause.toString().length() > 0 && m.contains(cause.toString())) {
            m = m.replace(cause.toString(), fileProblem((FileSystemException) cause));
        }
        m = m.replaceAll("java\\.[a-z.]+\\.([A-Z][A-Za-z]*Exception): ", "");
        // the JDBC source's advice is for Java code: on the command line, the commands and flags that do it
        m = m.replace("create them with SmsSchema.create(...), or map your table names with SmsSchema.builder().",
                "create them ('sms-export schema' prints their SQL; 'sms-export demo' makes a sample database), or map your table "
                        + "names with --schema-map FILE.")
                .replace("map your column names with SmsSchema.builder().column(...).", "map your column names with --schema-map FILE.");
        return JdbcUrls.mask(m.lines().findFirst().orElse(m));
    }

    private static final java.util.regex.Pattern KEY_VALUE = java.util.regex.Pattern.compile(
            "Value for option option '([^']+)' \\([^)]*\\) should be in KEY=VALUE format but was (.*)", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern NOT_A_NUMBER = java.util.regex.Pattern.compile("(.*) is not an? (int|long)$");

    /** @return picocli's message about a bad command line, in the words the rest of the CLI uses */
    static String commandLine(String picocli) {
        java.util.regex.Matcher kv = KEY_VALUE.matcher(picocli);
        if (kv.matches()) {
            return kv.group(1) + " takes KEY=VALUE, got '" + kv.group(2) + "'";
        }
        java.util.regex.Matcher n = NOT_A_NUMBER.matcher(picocli);
        if (n.matches()) {
            return n.group(1) + " is not a whole number";
        }
        return picocli;
    }

    private static String fileProblem(FileSystemException e) {
        String path = e.getFile() == null ? "a file" : e.getFile();
        if (e instanceof FileAlreadyExistsException) {
            return path + " already exists and is not a directory";
        }
        if (e instanceof NoSuchFileException) {
            return path + " does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return path + ": permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return path + " is not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return path + " is a directory that is not empty";
        }
        return path + (e.getReason() == null ? ": cannot be used" : ": " + e.getReason().toLowerCase(java.util.Locale.ROOT));
    }
}
