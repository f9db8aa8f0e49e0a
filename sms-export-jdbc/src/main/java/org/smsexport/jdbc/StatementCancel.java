package org.smsexport.jdbc;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stops one statement of a stopped export, however the stop and the statement's start interleave. A
 * {@code Statement.cancel()} that reaches the server before the query does is lost (there is nothing to cancel yet,
 * and the query then waits on its lock for ever), so: a stop before the query is sent refuses to send it, and after a
 * stop the cancel is repeated every 200 ms until the query has come back. Thread-safe.
 */
final class StatementCancel implements Runnable {

    private static final long AGAIN_MILLIS = 200;
    private static final ScheduledExecutorService AGAIN = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sms-export-jdbc-cancel");
        t.setDaemon(true);
        return t;
    });

    /** What cancels the query: {@code Statement.cancel()}, or a PostgreSQL COPY's connection's {@code cancelQuery()}. */
    interface Canceller {
        void cancel() throws SQLException;
    }

    private final Canceller statement;
    private volatile boolean stopped;
    private volatile boolean executing = true;

    StatementCancel(Statement statement) {
        this.statement = statement::cancel;
    }

    StatementCancel(Canceller canceller) {
        this.statement = canceller;
    }

    /** The export stopped: cancel the statement (a fetch of more rows, too), and again until its query came back. */
    @Override
    public void run() {
        stopped = true;
        cancel();
    }

    private void cancel() {
        try {
            statement.cancel();
        } catch (SQLException | RuntimeException e) {
            return; // the statement ended, or the driver cannot cancel: the export's flag stops it at its next row
        }
        if (executing) {
            AGAIN.schedule(() -> {
                if (executing) {
                    cancel();
                }
            }, AGAIN_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** @throws SQLException when the export stopped before its query was sent (SQL state 57014, query canceled) */
    void beforeExecute() throws SQLException {
        if (stopped) {
            throw new SQLException("canceling statement due to user request", "57014");
        }
    }

    /** The query came back (rows, or an error): nothing more to cancel. */
    void executed() {
        executing = false;
    }
}
