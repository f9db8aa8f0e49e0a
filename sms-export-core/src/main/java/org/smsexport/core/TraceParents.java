package org.smsexport.core;

import io.micrometer.tracing.CurrentTraceContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;

/**
 * A Micrometer {@link Tracer}'s context as a W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}), whatever
 * format the tracer propagates on the wire: what a job keeps to be continued on the node that runs it, and what a server
 * continues from a request's {@code traceparent} header. Needs micrometer-tracing (optional for the rest of the library).
 */
@SuppressWarnings("exports") // micrometer-tracing is optional: a host that calls these has it
public final class TraceParents {

    private TraceParents() {
    }

    /**
     * @param tracer the host's tracer
     * @return the current span's trace as a {@code traceparent}, or {@code null} outside a trace (and for a no-op span,
     *         whose ids are empty, as Boot's tracer has one when tracing is off)
     */
    public static String current(Tracer tracer) {
        Span span = tracer.currentSpan();
        if (span == null) {
            return null;
        }
        TraceContext c = span.context();
        String traceId = c.traceId();
        // a 64-bit trace id (older Brave) is the low half of a W3C one
        traceId = traceId.length() < 32 ? "0".repeat(32 - traceId.length()) + traceId : traceId;
        String traceParent = "00-" + traceId + "-" + c.spanId() + "-" + (Boolean.TRUE.equals(c.sampled()) ? "01" : "00");
        return valid(traceParent) ? traceParent : null;
    }

    /**
     * @param text a header's or a job's value
     * @return whether it is a {@code traceparent} this class continues
     */
    public static boolean valid(String text) {
        return org.smsexport.core.internal.JobTracing.valid(text);
    }

    /**
     * Makes a remote trace current, so what starts next is its child.
     *
     * @param tracer      the host's tracer
     * @param traceParent a valid {@code traceparent}
     * @return what ends it (run it once the child has started)
     * @throws IllegalArgumentException for text that is not a valid {@code traceparent}
     */
    public static Runnable continueTrace(Tracer tracer, String traceParent) {
        if (!valid(traceParent)) {
            throw new IllegalArgumentException("Not a W3C traceparent");
        }
        String[] parts = traceParent.split("-");
        TraceContext remote = tracer.traceContextBuilder().traceId(parts[1]).spanId(parts[2]).sampled("01".equals(parts[3])).build();
        CurrentTraceContext.Scope scope = tracer.currentTraceContext().newScope(remote);
        return scope::close;
    }
}
