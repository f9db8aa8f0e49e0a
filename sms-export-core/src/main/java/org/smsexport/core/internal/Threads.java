package org.smsexport.core.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the threads we create {@code sms-export-<role>-<n>}; daemons, so a forgotten close() never hangs the JVM. */
final class Threads {

    private Threads() {
    }

    static ThreadFactory named(String role) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "sms-export-" + role + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
