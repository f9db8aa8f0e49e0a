package org.smsexport.excel.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.smsexport.support.ZipPipe;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.VerticalAlignment;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFColor;
import org.apache.poi.xssf.usermodel.XSSFFont;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.smsexport.Column;

/**
 * Everything of an XLSX file except the worksheets' rows, built with POI's usermodel: styles (made first,
 * so rows can refer to their indexes), sheets with their names and autofilters (added at the end, when the
 * row counts are known), document properties, content types and relationships. The worksheets themselves
 * are streamed by {@link SheetXml} before these parts, which is why no row count is needed up front.
 */
public final class WorkbookParts {

    private static final String STYLES = "xl/styles.xml";
    private static final Pattern WORKSHEET = Pattern.compile("xl/worksheets/sheet\\d+\\.xml");

    private final XSSFWorkbook wb = new XSSFWorkbook();
    private final int headerStyle;
    private final int[] columnStyles;

    /**
     * @param colour   the header colour, six hex digits
     * @param columns  the columns, for number and date formats
     */
    public WorkbookParts(String colour, List<Column> columns) {
        XSSFFont bold = wb.createFont();
        bold.setBold(true);
        bold.setColor(new XSSFColor(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, null));
        XSSFCellStyle header = wb.createCellStyle();
        header.setFont(bold);
        header.setFillForegroundColor(new XSSFColor(rgb(colour), null));
        header.setFillPattern(FillPatternType.SOLID_FOREGROUND);
        header.setVerticalAlignment(VerticalAlignment.CENTER);
        this.headerStyle = header.getIndex();
        this.columnStyles = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            String format = format(columns.get(i));
            if (format != null) {
                XSSFCellStyle s = wb.createCellStyle();
                s.setDataFormat(wb.createDataFormat().getFormat(format));
                columnStyles[i] = s.getIndex();
            }
        }
    }

    private static String format(Column c) {
        switch (c.type()) {
            case DATE:
                return "yyyy-mm-dd";
            case DATETIME:
                return "yyyy-mm-dd hh:mm:ss";
            case DECIMAL:
                return c.scale() < 0 ? null : c.scale() == 0 ? "0" : "0." + "0".repeat(c.scale());
            default:
                return null;
        }
    }

    private static byte[] rgb(String hex) {
        return new byte[] {(byte) Integer.parseInt(hex.substring(0, 2), 16), (byte) Integer.parseInt(hex.substring(2, 4), 16),
            (byte) Integer.parseInt(hex.substring(4, 6), 16)};
    }

    /** @return the style index of header cells */
    public int headerStyle() {
        return headerStyle;
    }

    /** @return per column, the style index of its data cells (0 = General) */
    public int[] columnStyles() {
        return columnStyles.clone();
    }

    /**
     * Adds the sheets (in the order their XML was streamed) and the document properties, and writes every
     * part except the worksheets into the archive.
     *
     * @param zip      the archive the worksheets were written to
     * @param names    sheet names
     * @param lastRows per sheet, the 1-based number of its last row
     * @param columns  number of columns
     * @param title    document title
     * @param subject  document subject
     * @throws IOException when writing fails
     */
    public void finish(ZipPipe zip, List<String> names, List<Integer> lastRows, int columns, String title, String subject)
            throws IOException {
        for (int i = 0; i < names.size(); i++) {
            XSSFSheet sheet = wb.createSheet(names.get(i));
            // registers the _xlnm._FilterDatabase name in workbook.xml; the sheet's own XML is ours
            sheet.setAutoFilter(new CellRangeAddress(0, lastRows.get(i) - 1, 0, columns - 1));
            // _xlnm.Print_Titles: the header row on every printed page
            sheet.setRepeatingRows(new CellRangeAddress(0, 0, -1, -1));
        }
        var core = wb.getProperties().getCoreProperties();
        core.setTitle(title);
        core.setSubjectProperty(subject);
        core.setCreator("sms-export");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        wb.write(bytes);
        wb.close();
        try (ZipInputStream parts = new ZipInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            for (ZipEntry e = parts.getNextEntry(); e != null; e = parts.getNextEntry()) {
                if (WORKSHEET.matcher(e.getName()).matches()) {
                    continue;
                }
                zip.putNextEntry(e.getName());
                if (e.getName().equals(STYLES)) {
                    zip.write(withNormalStyle(new String(parts.readAllBytes(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                } else {
                    parts.transferTo(zip);
                }
                zip.closeEntry();
            }
        }
    }

    /**
     * POI writes no {@code cellStyles}, so readers that look for the named style "Normal" (openpyxl) warn that the
     * workbook has no default style: name POI's one cell style format "Normal", as Excel does.
     */
    static String withNormalStyle(String styles) {
        if (styles.contains("<cellStyles")) {
            return styles;
        }
        int at = styles.indexOf("</cellXfs>");
        if (at < 0) {
            throw new IllegalStateException("POI wrote styles.xml without cellXfs");
        }
        at += "</cellXfs>".length();
        return styles.substring(0, at) + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
                + styles.substring(at);
    }

    /** Releases the in-memory workbook. */
    public void discard() {
        try {
            wb.close();
        } catch (IOException e) {
            // nothing was written; nothing to lose
        }
    }
}
