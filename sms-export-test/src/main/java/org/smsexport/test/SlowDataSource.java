package org.smsexport.test;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.RowCursor;

/**
 * A data source whose rows come slowly: the sample's rows of a built-in type, one every {@code perRow}, under a
 * type of your naming, with a count known at once. For tests that need an export to be running while they
 * cancel it, stop the service, or look at it in a browser.
 */
public final class SlowDataSource implements DataSource {

    private final ExportType type;
    private final ExportType rowsOf;
    private final long rows;
    private final long perRowNanos;
    private final CountDownLatch started = new CountDownLatch(1);

    private SlowDataSource(ExportType type, ExportType rowsOf, long rows, Duration perRow) {
        this.type = type;
        this.rowsOf = rowsOf;
        this.rows = rows;
        this.perRowNanos = perRow.toNanos();
    }

    /**
     * @param type   the type it serves (its columns must be those of {@code rowsOf})
     * @param rowsOf the built-in type whose sample rows it gives
     * @param rows   how many
     * @param perRow the wait before each row
     * @return the source
     */
    public static SlowDataSource of(ExportType type, ExportType rowsOf, long rows, Duration perRow) {
        return new SlowDataSource(type, rowsOf, rows, perRow);
    }

    /**
     * @param name the type's name
     * @param rows how many students
     * @param perRow the wait before each row
     * @return a source of slow students under a type of that name
     */
    public static SlowDataSource students(String name, long rows, Duration perRow) {
        return of(ExportType.builder(name).columns(ExportType.STUDENTS.columns().toArray(new org.smsexport.Column[0])).build(),
                ExportType.STUDENTS, rows, perRow);
    }

    /** @return counted down when the first row is asked for */
    public CountDownLatch started() {
        return started;
    }

    @Override
    public List<ExportType> types() {
        return List.of(type);
    }

    @Override
    public OptionalLong count(ExportQuery query) {
        return OptionalLong.of(rows);
    }

    @Override
    public RowCursor open(ExportQuery query) {
        RowCursor sample = SmsData.standard().cursor(rowsOf, rows);
        return new RowCursor() {
            @Override
            public boolean next() {
                started.countDown();
                try {
                    Thread.sleep(perRowNanos / 1_000_000, (int) (perRowNanos % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return sample.next();
            }

            @Override
            public Object get(int column) {
                return sample.get(column);
            }

            @Override
            public void close() {
                sample.close();
            }
        };
    }

    @Override
    public String name() {
        return "slow-" + type.name();
    }
}
