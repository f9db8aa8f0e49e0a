package org.smsexport.core;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.smsexport.ExportJob;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.spi.JobStore;

/** An in-memory store that counts updates, to check that progress is not written per row. */
class CountingStore implements JobStore {
    final InMemoryJobStore delegate = new InMemoryJobStore();
    final AtomicInteger updates = new AtomicInteger();

    @Override
    public void insert(ExportJob job) {
        delegate.insert(job);
    }

    @Override
    public Optional<ExportJob> find(JobId id) {
        return delegate.find(id);
    }

    @Override
    public Optional<ExportJob> update(ExportJob current, ExportJob next) {
        updates.incrementAndGet();
        return delegate.update(current, next);
    }

    @Override
    public List<ExportJob> list(JobFilter filter) {
        return delegate.list(filter);
    }

    @Override
    public long count(JobFilter filter) {
        return delegate.count(filter);
    }

    @Override
    public boolean delete(JobId id) {
        return delegate.delete(id);
    }
}
