package org.smsexport.excel;

import java.util.List;
import org.smsexport.Column;
import org.smsexport.support.CellText;
import org.smsexport.spi.Exporter;
import org.smsexport.support.FormulaGuard;
import org.smsexport.test.ExporterContract;

/** The XLSX exporter honours the exporter contract, read back with POI. */
class XlsxExporterContractTest extends ExporterContract {

    @Override
    protected Exporter exporter() {
        return new XlsxExporter();
    }

    @Override
    protected List<List<String>> readBack(byte[] file) throws Exception {
        return XlsxFiles.read(file);
    }

    /** XLSX keeps numbers and dates typed; text loses what XML cannot hold and what Excel cannot fit. */
    @Override
    protected String expectedText(Column column, Object value) {
        if (value == null) {
            return "";
        }
        switch (column.type()) {
            case TEXT:
                return truncate(xmlSafe(FormulaGuard.neutralize(value.toString())));
            case DECIMAL:
                double d = ((Number) value).doubleValue();
                return Double.isNaN(d) || Double.isInfinite(d) ? Double.toString(d) : XlsxFiles.number(d);
            case DATE:
                return value.toString();
            case DATETIME:
                return XlsxFiles.DATE_TIME.format(CellText.toZoned(value, zone()).toLocalDateTime());
            default:
                return CellText.format(column, value, zone());
        }
    }

    private static String truncate(String s) {
        return s.length() <= 32_767 ? s : s.substring(0, 32_767 - "… [truncated]".length()) + "… [truncated]";
    }

}
