package org.smsexport.ods;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.smsexport.Column;
import org.smsexport.ColumnType;
import org.smsexport.spi.Exporter;
import org.smsexport.support.CellText;
import org.smsexport.test.ExporterContract;

/**
 * The ODS exporter honours the exporter contract, read back by python3-odf: numbers, dates and booleans by their typed
 * values, text by the reader's own text of it.
 */
class OdsExporterContractTest extends ExporterContract {

    @BeforeAll
    static void reader() throws Exception {
        boolean here = OdsFiles.odfpy();
        if (!here && System.getenv("CI") != null) {
            throw new AssertionError(".ci/run installs python3-odf; it is missing");
        }
        Assumptions.assumeTrue(here, "python3-odf is not installed (apt-get install python3-odf)");
    }

    @Override
    protected Exporter exporter() {
        return new OdsExporter();
    }

    @Override
    protected List<List<String>> readBack(byte[] file) throws Exception {
        Map<String, List<List<String>>> sheets = OdsFiles.sheets(file);
        return sheets.values().iterator().next();
    }

    /** A date-time is the export zone's wall time (a spreadsheet's has no zone); everything else as CSV has it. */
    @Override
    protected String expectedText(Column column, Object value) {
        if (value != null && column.type() == ColumnType.DATETIME) {
            LocalDateTime local = CellText.toZoned(value, zone()).toLocalDateTime();
            return java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").format(local);
        }
        if (value != null && column.type() == ColumnType.TEXT) {
            return xmlSafe(org.smsexport.support.FormulaGuard.neutralize(value.toString()));
        }
        return super.expectedText(column, value);
    }
}
