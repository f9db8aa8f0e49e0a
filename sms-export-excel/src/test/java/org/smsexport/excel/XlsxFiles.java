package org.smsexport.excel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/** Reads XLSX bytes back with POI's XSSF reader and renders each cell as text, the way the tests compare them. */
final class XlsxFiles {

    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private XlsxFiles() {
    }

    static XSSFWorkbook open(byte[] file) throws IOException {
        return new XSSFWorkbook(new ByteArrayInputStream(file));
    }

    /** Header of the first sheet, then the data rows of every sheet in order. */
    static List<List<String>> read(byte[] file) throws IOException {
        try (XSSFWorkbook wb = open(file)) {
            List<List<String>> out = new ArrayList<>();
            int width = wb.getSheetAt(0).getRow(0).getLastCellNum();
            for (int s = 0; s < wb.getNumberOfSheets(); s++) {
                Sheet sheet = wb.getSheetAt(s);
                for (int r = s == 0 ? 0 : 1; r <= sheet.getLastRowNum(); r++) {
                    Row row = sheet.getRow(r);
                    List<String> cells = new ArrayList<>();
                    for (int c = 0; c < width; c++) {
                        cells.add(text(row == null ? null : row.getCell(c)));
                    }
                    out.add(cells);
                }
            }
            return out;
        }
    }

    static String text(Cell c) {
        if (c == null) {
            return "";
        }
        switch (c.getCellType()) {
            case STRING:
                return c.getStringCellValue();
            case BOOLEAN:
                return Boolean.toString(c.getBooleanCellValue());
            case NUMERIC:
                if (DateUtil.isCellDateFormatted(c)) {
                    LocalDateTime t = c.getLocalDateTimeCellValue();
                    return c.getCellStyle().getDataFormatString().contains("h") ? DATE_TIME.format(t) : t.toLocalDate().toString();
                }
                return number(c.getNumericCellValue());
            case BLANK:
                return "";
            default:
                return "?" + c.getCellType();
        }
    }

    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
