package org.smsexport.core;

import java.nio.file.Path;
import org.smsexport.spi.ExportStorage;
import org.smsexport.test.ExportStorageContract;

/** The output directory as a storage passes the storage contract; one that was removed cannot publish. */
class LocalStorageTest extends ExportStorageContract {

    @Override
    protected ExportStorage newStorage(Path outputDirectory) {
        return new LocalStorage(outputDirectory, true);
    }

    @Override
    protected ExportStorage unreachableStorage(Path outputDirectory) {
        return new LocalStorage(outputDirectory.resolve("removed"), true);
    }
}
