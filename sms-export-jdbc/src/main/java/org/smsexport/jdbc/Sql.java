package org.smsexport.jdbc;

import java.sql.SQLException;
import org.smsexport.ExportException;

/**
 * Turns JDBC errors into one clear line: what we were doing, the database's own words, and a hint. Never a row's values:
 * the message reaches the job, REST, mail and the metrics file, and a database quotes the value it could not convert or
 * the key it found twice — those (SQLState classes 22 and 23) keep the database's words up to the first quoted value.
 */
final class Sql {

    private Sql() {
    }

    static ExportException error(String doing, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? e.getClass().getSimpleName()
                : JdbcUrls.mask(e.getMessage().lines().findFirst().orElse(""));
        // H2 appends the statement; the user needs the reason, not our SQL
        message = message.replaceFirst(";? ?SQL statement:.*$", "").strip();
        if (state.startsWith("22") || state.startsWith("23")) {
            message = withoutValues(message);
        }
        if (!message.isEmpty() && ".!?".indexOf(message.charAt(message.length() - 1)) < 0) {
            message += ".";
        }
        String hint = "";
        if (message.startsWith("No suitable driver")) {
            hint = " Check the JDBC URL: it starts jdbc:postgresql:// or jdbc:h2:, and the driver must be on the class path.";
        } else if (state.startsWith("08") || state.equals("28P01") || state.equals("28000")) {
            hint = " Check the JDBC URL, user and password, and that the database is running.";
        } else if (state.equals("90146")) {
            hint = " Create the database first (H2 URLs with IFEXISTS=TRUE never create one).";
        } else if (state.equals("42P01") || state.equals("42S02") || state.equals("42S04") || state.equals("42102")
                || state.equals("42104")) {
            hint = " The SMS tables are missing: create them with SmsSchema.create(...), or map your table names "
                    + "with SmsSchema.builder().";
        } else if (state.equals("42703") || state.equals("42S22") || state.equals("42122")) {
            hint = " A column is missing: map your column names with SmsSchema.builder().column(...).";
        }
        return new ExportException("Database error " + doing + (state.isEmpty() ? "" : " (SQLState " + state + ")") + ": "
                + message + hint, e);
    }

    /** @return a data error's words up to the first quoted value or the detail after a colon, e.g. {@code invalid input syntax for type integer} */
    static String withoutValues(String message) {
        String m = message.replaceFirst("^(?i)error:\\s*", "");
        int cut = m.length();
        for (String mark : new String[] {"\"", "'", ": ", "(", "\u201C"}) {
            int at = m.indexOf(mark);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        String words = m.substring(0, cut).strip().replaceAll("[\\s:;,=]+$", "");
        return (words.isEmpty() ? "a value in the database broke a rule of its column" : words)
                + " (the value is left out: it is the data's, not the error's)";
    }
}
