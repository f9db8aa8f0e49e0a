package org.smsexport.pdf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.smsexport.Column;
import org.smsexport.ExportType;
import org.smsexport.support.CellText;
import org.smsexport.spi.Exporter;
import org.smsexport.support.FormulaGuard;
import org.smsexport.test.ExporterContract;

/** The PDF exporter honours the exporter contract, read back glyph by glyph with PDFBox. */
class PdfExporterContractTest extends ExporterContract {

    @Override
    protected Exporter exporter() {
        return new PdfExporter();
    }

    @Override
    protected List<List<String>> readBack(byte[] file) throws Exception {
        return PdfFiles.read(file, null);
    }

    /**
     * A PDF is for reading: date-times without ISO's 'T' and offset, booleans as Yes and No (in an English
     * report); and it prints what its font can show: see {@link PdfFiles#printable(String)}.
     */
    @Override
    protected String expectedText(Column column, Object value) {
        if (value == null) {
            return "";
        }
        switch (column.type()) {
            case DATETIME:
                return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(CellText.toZoned(value, zone()));
            case BOOLEAN:
                return (Boolean) value ? "Yes" : "No";
            case TEXT:
                return PdfFiles.printable(FormulaGuard.neutralize(value.toString()));
            default:
                return CellText.format(column, value, zone());
        }
    }

    /** Cells are one line high: text wider than its column comes back cut, ending with "…". */
    @Override
    protected void assertRoundTrip(ExportType type, List<Object[]> rows, byte[] file) throws Exception {
        List<List<String>> back = readBack(file);
        assertThat(back).as("rows read back (header + data)").hasSize(rows.size() + 1);
        assertCells(back.get(0), new ArrayList<>(type.columnLabels(Locale.ENGLISH)), "header");
        for (int r = 0; r < rows.size(); r++) {
            List<String> expected = new ArrayList<>();
            for (int c = 0; c < type.columns().size(); c++) {
                expected.add(expectedText(type.columns().get(c), rows.get(r)[c]));
            }
            assertCells(back.get(r + 1), expected, "data row " + (r + 1));
        }
    }

    static void assertCells(List<String> actual, List<String> expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int c = 0; c < expected.size(); c++) {
            String a = actual.get(c);
            String e = expected.get(c);
            if (!a.equals(e)) {
                assertThat(a).as("%s, column %d: cut text ends with …", what, c + 1).endsWith("…");
                assertThat(e).as("%s, column %d: cut text is a prefix of the value", what, c + 1)
                        .startsWith(a.substring(0, a.length() - 1));
            }
        }
    }
}
