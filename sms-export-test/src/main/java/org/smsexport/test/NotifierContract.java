package org.smsexport.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.smsexport.ExportJob;
import org.smsexport.InvalidRequestException;
import org.smsexport.JobId;
import org.smsexport.JobStatus;
import org.smsexport.spi.ExportEvent;
import org.smsexport.spi.Notifier;

/**
 * The behaviour every {@link Notifier} that delivers to addresses must have, as an abstract JUnit test: extend
 * it, return a notifier that delivers somewhere the test can look ({@link #newNotifier()}), and count what
 * arrived for an address ({@link #deliveredTo(String)}). It holds a notifier to what the engine relies on: a
 * finished job with an address is delivered once and reported once through the event's
 * {@link ExportEvent.NotificationReport} (which the job records), jobs without an address or not finished are
 * not, {@code jobFinished} never throws, addresses that could inject headers are refused before a job is
 * accepted, and {@code close()} may be called twice. A notifier that can be pointed at a dead server returns
 * one from {@link #unreachableNotifier()}, and must then report the failure with a reason.
 *
 * <pre>{@code
 * class MyNotifierTest extends NotifierContract {
 *     protected Notifier newNotifier() { return new MyNotifier(testServer.url()); }
 *     protected int deliveredTo(String address) { return testServer.messagesFor(address).size(); }
 * }
 * }</pre>
 */
public abstract class NotifierContract {

    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");

    /** For subclasses. */
    protected NotifierContract() {
    }

    /** @return a notifier, ready to deliver */
    protected abstract Notifier newNotifier();

    /**
     * @param address a recipient
     * @return how many messages have arrived for it so far
     */
    protected abstract int deliveredTo(String address);

    /** @return a notifier whose deliveries cannot succeed (its server is down), or {@code null} to skip that test */
    protected Notifier unreachableNotifier() {
        return null;
    }

    /**
     * @param status the job's status
     * @param email  whom to notify, or {@code null}
     * @return a finished (or not) job of the built-in students type
     */
    protected static ExportJob job(JobStatus status, String email) {
        ExportJob.Builder b = ExportJob.builder().id(JobId.random()).type("students").format("csv").status(status).createdAt(T)
                .updatedAt(T).owner("alice").notificationEmail(email).totalRecords(1_234).fileSizeBytes(56_789);
        if (status.isTerminal()) {
            b.startedAt(T).completedAt(T.plusSeconds(2)).duration(Duration.ofSeconds(2));
        }
        if (status == JobStatus.FAILED) {
            b.errorMessage("The SMS database is down (contract test)");
        }
        return b.build();
    }

    private static String address(String who) {
        return who + "-" + JobId.random().value().substring(0, 8) + "@uni.example";
    }

    @Test
    void deliversAndReportsAFinishedJobOnce() throws Exception {
        try (Notifier n = newNotifier()) {
            for (JobStatus status : List.of(JobStatus.COMPLETED, JobStatus.FAILED)) {
                String to = address(status.id());
                List<String> reports = new CopyOnWriteArrayList<>();
                n.jobFinished(ExportEvent.builder(job(status, to)).downloadUrl("https://sms.example/x?token=1.a", T.plusSeconds(3600)).locale(Locale.ENGLISH).report((sent, error) -> reports.add(sent + ":" + error.orElse(""))).build());
                Await.until("the " + status.id() + " notification to be reported", () -> !reports.isEmpty());
                assertThat(reports).as("reported once, delivered").containsExactly("true:");
                Await.until("the " + status.id() + " notification to arrive", () -> deliveredTo(to) > 0);
                Thread.sleep(200);
                assertThat(deliveredTo(to)).as("delivered once").isEqualTo(1);
            }
        }
    }

    @Test
    void leavesJobsWithoutAnAddressOrNotFinishedAlone() throws Exception {
        String to = address("running");
        List<Boolean> reports = new CopyOnWriteArrayList<>();
        try (Notifier n = newNotifier()) {
            n.jobFinished(ExportEvent.builder(job(JobStatus.COMPLETED, null)).locale(Locale.ENGLISH).report((sent, error) -> reports.add(sent)).build());
            n.jobFinished(ExportEvent.builder(job(JobStatus.RUNNING, to)).locale(Locale.ENGLISH).report((sent, error) -> reports.add(sent)).build());
            // a marker sent after them: once it arrived, anything sent before it would have too
            String marker = address("marker");
            n.jobFinished(ExportEvent.builder(job(JobStatus.COMPLETED, marker)).locale(Locale.ENGLISH).build());
            Await.until("the marker", () -> deliveredTo(marker) > 0);
        }
        assertThat(deliveredTo(to)).isZero();
        assertThat(reports).isEmpty();
    }

    @Test
    void refusesAddressesThatCouldInjectHeaders() {
        try (Notifier n = newNotifier()) {
            n.checkRecipient("alice@uni.example");
            for (String bad : List.of("a@uni.example\r\nBcc: b@evil.example", "a@uni.example\nX: y", "a@uni.example,b@evil.example",
                    "not an address", "")) {
                assertThatThrownBy(() -> n.checkRecipient(bad)).as(bad).isInstanceOf(InvalidRequestException.class);
            }
        }
    }

    @Test
    void reportsAFailedDeliveryWithItsReasonAndNeverThrows() throws Exception {
        Notifier dead = unreachableNotifier();
        org.junit.jupiter.api.Assumptions.assumeTrue(dead != null, "the provider has no unreachable notifier");
        List<String> reports = new CopyOnWriteArrayList<>();
        try (dead) {
            dead.jobFinished(ExportEvent.builder(job(JobStatus.COMPLETED, address("lost"))).locale(Locale.ENGLISH).report((sent, error) -> reports.add(sent + ":" + error.orElse(""))).build());
            Await.until("the failure to be reported", () -> !reports.isEmpty());
        }
        assertThat(reports).singleElement().asString().startsWith("false:").hasSizeGreaterThan("false:".length());
    }

    @Test
    void closesTwice() {
        Notifier n = newNotifier();
        n.close();
        n.close();
    }
}
