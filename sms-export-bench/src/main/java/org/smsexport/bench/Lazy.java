package org.smsexport.bench;

import java.util.Iterator;
import org.smsexport.ExportType;
import org.smsexport.sample.SmsData;

/** Rows generated while they are read, so a run holds no more than one row: for memory and scaling runs. */
final class Lazy implements Iterable<Object[]> {

    private final ExportType type;
    private final long rows;

    Lazy(ExportType type, long rows) {
        this.type = type;
        this.rows = rows;
    }

    @Override
    public Iterator<Object[]> iterator() {
        return SmsData.standard().rows(type, rows);
    }
}
