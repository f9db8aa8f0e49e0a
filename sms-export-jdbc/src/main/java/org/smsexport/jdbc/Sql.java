package org.smsexport.jdbc;

import java.sql.SQLException;
import org.smsexport.ExportException;

/** Turns JDBC errors into one clear line: what we were doing, the database's own words, and a hint. */
final class Sql {

    private Sql() {
    }

    static ExportException error(String doing, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? e.getClass().getSimpleName()
                : JdbcUrls.mask(e.getMessage().lines().findFirst().orElse(""));
        // H2 appends the statement; the user needs the reason, not our SQL
        message = message.replaceFirst(";? ?SQL statement:.*$", "").strip();
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
}
