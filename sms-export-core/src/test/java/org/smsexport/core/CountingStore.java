package org.smsexport.core;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.smsexport.JobFilter;
import org.smsexport.JobId;
import org.smsexport.spi.JobStore;
import org.smsexport.spi.StoredJob;

/** An in-memory store that counts updates, to check that progress is not written per row. */
class CountingStore implements JobStore {
    final InMemoryJobStore delegate = new InMemoryJobStore();
    final AtomicInteger updates = new AtomicInteger();

    @Override
    public void insert(StoredJob job) {
        delegate.insert(job);
    }

    @Override
    public Optional<StoredJob> find(JobId id) {
        return delegate.find(id);
    }

    @Override
    public Optional<StoredJob> update(StoredJob current, StoredJob next) {
        updates.incrementAndGet();
        return delegate.update(current, next);
    }

    @Override
    public List<StoredJob> list(JobFilter filter) {
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
