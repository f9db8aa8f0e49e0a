package org.smsexport.core.internal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.MDC;
import org.smsexport.ExportJob;
import org.smsexport.ExportOutcome;

/**
 * What ties an export to the request or schedule that caused it: each run is an {@link Observation} named
 * {@code sms.export} (low-cardinality keys {@code type}, {@code format}, {@code outcome}), a child of the trace the job was
 * submitted in — kept with the job as a W3C {@code traceparent}, so the node that claims it continues that trace — and
 * every thread that works for a job logs its id in the MDC under {@code sms.export.job}. With no registry and no tracer
 * nothing is recorded and nothing is slower.
 */
public final class JobTracing {

    /** The MDC key of the job a thread works for. */
    public static final String MDC_KEY = "sms.export.job";

    /** How a tracer's context is written to and read from a {@code traceparent}; absent without one. */
    public interface Propagation {
        /** @return the current trace as a {@code traceparent}, or {@code null} outside one */
        String current();

        /**
         * @param traceParent a {@code traceparent}
         * @return what ends the scope in which that trace is current, run once the export's observation has started
         */
        Runnable restore(String traceParent);
    }

    private final ObservationRegistry registry;
    private final Propagation propagation;

    /**
     * @param registry    where observations go; {@link ObservationRegistry#NOOP} for none
     * @param propagation the host's tracer, or {@code null}
     */
    public JobTracing(ObservationRegistry registry, Propagation propagation) {
        this.registry = registry == null ? ObservationRegistry.NOOP : registry;
        this.propagation = propagation;
    }

    private static final java.util.regex.Pattern W3C = java.util.regex.Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    /**
     * @param text a header's or a job's value
     * @return whether it is a {@code traceparent} to continue: W3C's form, not version {@code ff}, no all-zero id
     */
    public static boolean valid(String text) {
        return text != null && W3C.matcher(text).matches() && !text.startsWith("ff") && !text.substring(3, 35).equals("0".repeat(32))
                && !text.substring(36, 52).equals("0".repeat(16));
    }

    /** @return no observations, no traces */
    public static JobTracing none() {
        return new JobTracing(ObservationRegistry.NOOP, null);
    }

    /** @return the trace a job submitted now belongs to, as a {@code traceparent}; {@code null} outside a trace */
    public String currentTraceParent() {
        try {
            String current = propagation == null ? null : propagation.current();
            return valid(current) ? current : null;
        } catch (RuntimeException e) {
            return null; // a tracer that fails never fails a submit
        }
    }

    /**
     * Runs one job's export: its id in the MDC, inside its observation, which continues the job's trace.
     *
     * @param job the job as it was submitted
     * @param run the export
     * @return how it ended; {@code null} when another node has the job
     */
    JobRun.Ended around(ExportJob job, Supplier<JobRun.Ended> run) {
        String before = MDC.get(MDC_KEY);
        MDC.put(MDC_KEY, job.id().value());
        Observation observation = Observation.createNotStarted("sms.export", registry)
                .contextualName("sms.export " + job.type() + " " + job.format())
                .lowCardinalityKeyValue("type", job.type()).lowCardinalityKeyValue("format", job.format())
                .highCardinalityKeyValue(MDC_KEY, job.id().value());
        start(observation, job.traceParent().orElse(null));
        String outcome = "failed";
        Observation.Scope scope = observation.openScope();
        try {
            JobRun.Ended ended = run.get();
            outcome = ended == null ? "handed-over" : outcomeOf(ended.outcome());
            return ended;
        } catch (RuntimeException | Error e) {
            observation.error(e);
            throw e;
        } finally {
            scope.close();
            observation.lowCardinalityKeyValue("outcome", outcome).stop();
            if (before == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, before);
            }
        }
    }

    private void start(Observation observation, String traceParent) {
        Runnable remote = null;
        if (propagation != null && traceParent != null) {
            try {
                remote = propagation.restore(traceParent);
            } catch (RuntimeException e) {
                remote = null; // a trace that cannot be continued: the export starts one of its own
            }
        }
        try {
            observation.start();
        } finally {
            if (remote != null) {
                remote.run();
            }
        }
    }

    private static String outcomeOf(ExportOutcome o) {
        return o instanceof ExportOutcome.Completed ? "completed" : o instanceof ExportOutcome.Cancelled ? "cancelled" : "failed";
    }

    /**
     * @param pool a pool whose threads serve many jobs
     * @return the pool, each task running with the MDC of the thread that gave it
     */
    public static ExecutorService withMdc(ExecutorService pool) {
        return new AbstractExecutorService() {
            @Override
            public void execute(Runnable task) {
                pool.execute(org.smsexport.support.ExportThreads.withCallerMdc(task));
            }

            @Override
            public void shutdown() {
                pool.shutdown();
            }

            @Override
            public java.util.List<Runnable> shutdownNow() {
                return pool.shutdownNow();
            }

            @Override
            public boolean isShutdown() {
                return pool.isShutdown();
            }

            @Override
            public boolean isTerminated() {
                return pool.isTerminated();
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                return pool.awaitTermination(timeout, unit);
            }
        };
    }
}
