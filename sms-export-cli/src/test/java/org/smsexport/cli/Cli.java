package org.smsexport.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a command line in this JVM, as the tests of the commands do. */
final class Cli {

    private Cli() {
    }

    /** What a command printed and returned. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }
}
