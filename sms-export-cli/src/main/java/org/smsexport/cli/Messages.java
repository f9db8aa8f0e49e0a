package org.smsexport.cli;

/** Turns an exception into the one line a user sees. */
final class Messages {

    private Messages() {
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.lines().findFirst().orElse(m);
    }
}
