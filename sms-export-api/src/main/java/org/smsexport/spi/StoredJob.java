package org.smsexport.spi;

import java.util.Objects;
import java.util.Optional;
import org.smsexport.ExportJob;
import org.smsexport.JobId;

/**
 * A job record as a {@link JobStore} keeps it: the {@link ExportJob} hosts see, plus the bookkeeping only stores and
 * the engine use — which process created or runs it, the request another node needs to run it, and the record
 * version that makes every update a compare-and-set. Immutable and thread-safe.
 */
public final class StoredJob {

    private final ExportJob job;
    private final String instanceId;
    private final String request;
    private final long version;

    private StoredJob(ExportJob job, String instanceId, String request, long version) {
        this.job = Objects.requireNonNull(job, "job");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.request = request;
        this.version = version;
    }

    /**
     * @param job        the job as hosts see it
     * @param instanceId the engine instance (one process's run) that created or last started it
     * @param request    the request as any node can run it (JSON, never a password); {@code null} when only the
     *                   accepting node can run it
     * @param version    the record version: 0 for a new record, raised by one on every update
     * @return the record
     */
    public static StoredJob of(ExportJob job, String instanceId, String request, long version) {
        return new StoredJob(job, instanceId, request, version);
    }

    /** @return the job as hosts see it */
    public ExportJob job() {
        return job;
    }

    /** @return the job's id */
    public JobId id() {
        return job.id();
    }

    /** @return the engine instance (one process's run) that created or last started the job */
    public String instanceId() {
        return instanceId;
    }

    /** @return the request as any node can run it (JSON, never a password); empty when only its own node can run it */
    public Optional<String> request() {
        return Optional.ofNullable(request);
    }

    /** @return the record version, raised by the store on every update */
    public long version() {
        return version;
    }

    /**
     * @param next the job's new values
     * @return this record holding them (same bookkeeping)
     */
    public StoredJob with(ExportJob next) {
        return new StoredJob(next, instanceId, request, version);
    }

    /**
     * @param value the engine instance that now runs the job
     * @return this record with it
     */
    public StoredJob withInstanceId(String value) {
        return new StoredJob(job, value, request, version);
    }

    /**
     * @param value the record version
     * @return this record with it (stores set the version they stored)
     */
    public StoredJob withVersion(long value) {
        return new StoredJob(job, instanceId, request, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredJob s && job.equals(s.job) && instanceId.equals(s.instanceId) && Objects.equals(request, s.request)
                && version == s.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(job, version);
    }

    @Override
    public String toString() {
        return "StoredJob[" + job + ", instance=" + instanceId + ", v" + version + "]";
    }
}
