package org.smsexport.core;

import java.util.ArrayList;
import java.util.List;
import org.smsexport.ExportType;
import org.smsexport.spi.DataSource;
import org.smsexport.test.DataSourceContract;

/** The in-memory source over the sample data set, each row with the course id its filters use. */
class InMemoryDataSourceContractTest extends DataSourceContract {

    @Override
    protected DataSource source() {
        InMemoryDataSource.Builder b = InMemoryDataSource.builder();
        for (ExportType type : ExportType.builtIns()) {
            List<Long> indexes = new ArrayList<>();
            for (long i = 0; i < DATA.sampleRows(type); i++) {
                indexes.add(i);
            }
            b.objects(type, indexes, (i, key) -> key.equals("course_id") ? DATA.courseId(type, i)
                    : DATA.row(type, i)[type.indexOf(key)]);
        }
        return b.build();
    }
}
