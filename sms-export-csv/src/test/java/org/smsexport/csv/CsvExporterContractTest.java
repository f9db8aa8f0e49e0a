package org.smsexport.csv;

import java.util.List;
import org.smsexport.spi.Exporter;
import org.smsexport.test.ExporterContract;

/** The CSV exporter honours the exporter contract, read back with FastCSV's reader. */
class CsvExporterContractTest extends ExporterContract {

    @Override
    protected Exporter exporter() {
        return new CsvExporter();
    }

    @Override
    protected List<List<String>> readBack(byte[] file) {
        return CsvFiles.read(file);
    }
}
