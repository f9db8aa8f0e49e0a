package org.smsexport.excel.internal;

import java.io.IOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.smsexport.Column;
import org.smsexport.ColumnType;
import org.smsexport.support.CellText;
import org.smsexport.support.FormulaGuard;
import org.smsexport.support.Utf8Writer;
import org.smsexport.support.XmlText;

/**
 * Writes SpreadsheetML worksheet XML for typed rows straight into a UTF-8 stream: inline strings (no shared
 * string table to hold in memory), numbers as numbers, dates as serial numbers with a date style. This is
 * where stock SXSSF spends its time (a cell object per value, a {@code CellReference} per cell, escaping per
 * code point through a synchronized writer); here a cell is a few appends. Used by one thread.
 */
public final class SheetXml {

    /** Excel's limit of characters in one cell. */
    public static final int MAX_CELL_CHARS = 32_767;
    /** What ends a cell cut at {@link #MAX_CELL_CHARS}. */
    public static final String TRUNCATION_MARKER = "… [truncated]";

    private static final long EXCEL_EPOCH_OFFSET = 25_569; // days from 1899-12-30 to 1970-01-01
    private static final LocalDate FIRST_SAFE_DATE = LocalDate.of(1900, 3, 1); // Excel's 1900 leap-year bug before it

    private final Utf8Writer out;
    private final List<Column> columns;
    private final ColumnType[] types;
    /** Per column, the fixed bytes of a data cell: {@code <c r="B} before the row number, and what follows it. */
    private final byte[][] cellStart;
    private final byte[][] numberMid;
    private final byte[] rowDigits = new byte[20];
    private int rowDigitsLength;
    /** The column a cell written without a reference lands in: the one after the row's previous cell. */
    private int nextColumn;
    private static final byte[] CELL_START = ascii("<c");
    private static final byte[] TEXT_MID = ascii(" t=\"inlineStr\"><is><t>");
    private static final byte[] TEXT_MID_PRESERVE = ascii(" t=\"inlineStr\"><is><t xml:space=\"preserve\">");
    private static final byte[] QUOTE = ascii("\"");
    private static final byte[] TEXT_END = ascii("</t></is></c>");
    private static final byte[] NUMBER_END = ascii("</v></c>");
    private static final byte[] ROW_START = ascii("<row r=\"");
    private static final byte[] ROW_START_END = ascii("\">");
    private static final byte[] ROW_END = ascii("</row>");
    private final String[] letters;
    private final boolean guard;
    private final ZoneId zone;
    private final StringBuilder sb = new StringBuilder(256);
    private final long[] truncated;
    private long replaced;

    /**
     * @param out     where the XML goes
     * @param columns the columns, in order
     * @param styles  the cell style index of each column's data cells (0 for none)
     * @param guard   whether to neutralize formula-like text
     * @param zone    the zone date-times are shown in
     */
    public SheetXml(Utf8Writer out, List<Column> columns, int[] styles, boolean guard, ZoneId zone) {
        this.out = out;
        this.columns = columns;
        this.types = columns.stream().map(Column::type).toArray(ColumnType[]::new);
        this.letters = new String[columns.size()];
        for (int i = 0; i < letters.length; i++) {
            letters[i] = columnLetters(i);
        }
        this.guard = guard;
        this.zone = zone;
        this.truncated = new long[columns.size()];
        this.cellStart = new byte[letters.length][];
        this.numberMid = new byte[letters.length][];
        for (int i = 0; i < letters.length; i++) {
            cellStart[i] = ascii("<c r=\"" + letters[i]);
            numberMid[i] = ascii(styles[i] != 0 ? " s=\"" + styles[i] + "\"><v>" : "><v>");
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * @param index 0-based column
     * @return its letters: A … Z, AA …
     */
    public static String columnLetters(int index) {
        StringBuilder s = new StringBuilder(3);
        for (int n = index + 1; n > 0; n = (n - 1) / 26) {
            s.insert(0, (char) ('A' + (n - 1) % 26));
        }
        return s.toString();
    }

    /**
     * How a sheet prints: one page wide (as many pages down as it takes), on this paper and in this orientation,
     * with a page header and footer in Excel's header codes ({@code &P} the page, {@code &N} the page count).
     *
     * @param paperSize   SpreadsheetML's paper code: 9 for A4, 1 for Letter
     * @param landscape   whether pages are turned
     * @param pageHeader  the centred page header text (the title), plain text
     * @param pageFooter  the centred page footer, in header codes
     */
    public record Print(int paperSize, boolean landscape, String pageHeader, String pageFooter) {
    }

    /**
     * Starts a worksheet: fit-to-width printing, frozen header row, column widths, and opens {@code sheetData}.
     *
     * @param widths column widths in characters
     * @throws IOException when writing fails
     */
    public void begin(double[] widths) throws IOException {
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                + "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"
                + "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
                + "state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>"
                + "<sheetFormatPr defaultRowHeight=\"15\"/><cols>");
        for (int i = 0; i < widths.length; i++) {
            out.write("<col min=\"" + (i + 1) + "\" max=\"" + (i + 1) + "\" width=\"" + widths[i] + "\" customWidth=\"1\"/>");
        }
        out.write("</cols><sheetData>");
    }

    /**
     * Ends a worksheet: closes {@code sheetData}, adds the autofilter over header and data and the print setup.
     * (The header row repeats on every printed page through the workbook's {@code Print_Titles} name.)
     *
     * @param lastRow the 1-based number of the last row written (the header is row 1)
     * @param print   how the sheet prints
     * @throws IOException when writing fails
     */
    public void end(int lastRow, Print print) throws IOException {
        out.write("</sheetData><autoFilter ref=\"A1:" + letters[letters.length - 1] + lastRow + "\"/>"
                + "<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
                + "<pageSetup paperSize=\"" + print.paperSize() + "\" orientation=\"" + (print.landscape() ? "landscape" : "portrait")
                + "\" fitToWidth=\"1\" fitToHeight=\"0\"/><headerFooter><oddHeader>");
        // Excel's limit for a header is 255 characters, codes included; a literal & is written &&
        String title = print.pageHeader().replace("&", "&&");
        escape("&C&\"-,Bold\"" + title.substring(0, Math.min(title.length(), 200)));
        out.write("</oddHeader><oddFooter>");
        escape("&C" + print.pageFooter());
        out.write("</oddFooter></headerFooter></worksheet>");
    }

    /**
     * @param rowNumber 1-based row number
     * @param labels    the header texts
     * @param style     the header cell style index
     * @throws IOException when writing fails
     */
    public void header(int rowNumber, List<String> labels, int style) throws IOException {
        String r = Integer.toString(rowNumber);
        out.write("<row r=\"" + r + "\">");
        for (int i = 0; i < labels.size(); i++) {
            text(i, r, style, labels.get(i));
        }
        out.write("</row>");
    }

    /**
     * @param rowNumber 1-based row number
     * @param values    one value per column ({@code null} leaves the cell empty)
     * @param offset    where this row's values start in {@code values}
     * @throws IOException when writing fails
     */
    public void row(int rowNumber, Object[] values, int offset) throws IOException {
        String r = Integer.toString(rowNumber);
        rowDigitsLength = r.length();
        for (int k = 0; k < rowDigitsLength; k++) {
            rowDigits[k] = (byte) r.charAt(k);
        }
        out.writeAscii(ROW_START, 0, ROW_START.length);
        out.writeAscii(rowDigits, 0, rowDigitsLength);
        out.writeAscii(ROW_START_END, 0, ROW_START_END.length);
        nextColumn = 0;
        for (int i = 0; i < types.length; i++) {
            Object v = values[offset + i];
            if (v != null) {
                cell(i, r, v);
                nextColumn = i + 1;
            }
        }
        out.writeAscii(ROW_END, 0, ROW_END.length);
    }

    /**
     * Opens a cell of column {@code i} in the current data row: {@code <c} when it follows the row's previous cell
     * (the reference is optional in SpreadsheetML, and readers place such a cell next; leaving it out makes a fifth
     * less XML to write and to deflate), {@code <c r="B12"} after an empty cell.
     */
    private void cellStart(int i) throws IOException {
        if (i == nextColumn) {
            out.writeAscii(CELL_START, 0, CELL_START.length);
            return;
        }
        byte[] start = cellStart[i];
        out.writeAscii(start, 0, start.length);
        out.writeAscii(rowDigits, 0, rowDigitsLength);
        out.writeAscii(QUOTE, 0, 1);
    }

    private void cell(int i, String r, Object v) throws IOException {
        switch (types[i]) {
            case TEXT:
                if (v instanceof CharSequence) {
                    String s = v.toString();
                    dataText(i, guard ? FormulaGuard.neutralize(s) : s);
                    return;
                }
                break;
            case INTEGER:
                if (types[i].accepts(v)) {
                    number(i, ((Number) v).longValue(), 0);
                    return;
                }
                break;
            case DECIMAL:
                if (v instanceof Number) {
                    double d = ((Number) v).doubleValue();
                    long exact;
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        text(i, r, 0, Double.toString(d));
                    } else if (v instanceof java.math.BigDecimal) {
                        number(i, ((java.math.BigDecimal) v).toPlainString());
                    } else if ((exact = shortDecimal(d)) != Long.MIN_VALUE) {
                        number(i, exact >> 4, (int) (exact & 15));
                    } else {
                        number(i, Double.toString(d));
                    }
                    return;
                }
                break;
            case DATE:
                if (v instanceof LocalDate) {
                    LocalDate d = (LocalDate) v;
                    if (d.isBefore(FIRST_SAFE_DATE) || d.getYear() > 9999) {
                        text(i, r, 0, CellText.format(columns.get(i), d, zone));
                    } else {
                        number(i, d.toEpochDay() + EXCEL_EPOCH_OFFSET, 0);
                    }
                    return;
                }
                break;
            case DATETIME:
                if (types[i].accepts(v)) {
                    LocalDateTime t = CellText.toZoned(v, zone).toLocalDateTime();
                    if (t.toLocalDate().isBefore(FIRST_SAFE_DATE) || t.getYear() > 9999) {
                        text(i, r, 0, CellText.format(columns.get(i), v, zone));
                    } else {
                        double serial = t.toLocalDate().toEpochDay() + EXCEL_EPOCH_OFFSET + t.toLocalTime().toSecondOfDay() / 86_400.0;
                        number(i, Double.toString(serial));
                    }
                    return;
                }
                break;
            case BOOLEAN:
                if (v instanceof Boolean) {
                    out.write("<c r=\"");
                    out.write(letters[i]);
                    out.write(r);
                    out.write((Boolean) v ? "\" t=\"b\"><v>1</v></c>" : "\" t=\"b\"><v>0</v></c>");
                    return;
                }
                break;
            default:
                break;
        }
        throw CellText.wrongType(columns.get(i), v);
    }

    /**
     * A double that is a short decimal — {@code k / 10^s} for some {@code s} up to 6, as grades and percentages
     * are — written as those digits reads back as the very same double (both the division and a reader's
     * parsing round correctly), with no {@code Double.toString} per value.
     *
     * @return {@code k << 4 | s}, or {@link Long#MIN_VALUE} when the value is no such decimal
     */
    static long shortDecimal(double d) {
        double p = 1;
        for (int s = 0; s <= 6; s++, p *= 10) {
            if (!(Math.abs(d * p) < 0x1p53)) {
                return Long.MIN_VALUE; // k would not be exact as a double
            }
            long k = Math.round(d * p);
            if (k / p == d) {
                return k << 4 | s;
            }
        }
        return Long.MIN_VALUE;
    }

    private void number(int i, long unscaled, int scale) throws IOException {
        cellStart(i);
        out.writeAscii(numberMid[i], 0, numberMid[i].length);
        out.writeScaled(unscaled, scale);
        out.writeAscii(NUMBER_END, 0, NUMBER_END.length);
    }

    /** A text cell of a data row (no style), as {@link #text} writes it. */
    private void dataText(int i, String value) throws IOException {
        String s = cut(i, value);
        cellStart(i);
        byte[] mid = !s.isEmpty() && (isSpace(s.charAt(0)) || isSpace(s.charAt(s.length() - 1))) ? TEXT_MID_PRESERVE : TEXT_MID;
        out.writeAscii(mid, 0, mid.length);
        escape(s);
        out.writeAscii(TEXT_END, 0, TEXT_END.length);
    }

    /** @return {@code value}, or its start and {@link #TRUNCATION_MARKER} when it is over Excel's cell limit */
    private String cut(int i, String value) {
        String s = value;
        if (s.length() > MAX_CELL_CHARS) {
            int keep = MAX_CELL_CHARS - TRUNCATION_MARKER.length();
            if (Character.isHighSurrogate(s.charAt(keep - 1))) {
                keep--;
            }
            s = s.substring(0, keep) + TRUNCATION_MARKER;
            truncated[i]++;
        }
        return s;
    }

    private void number(int i, String value) throws IOException {
        cellStart(i);
        out.writeAscii(numberMid[i], 0, numberMid[i].length);
        out.write(value);
        out.writeAscii(NUMBER_END, 0, NUMBER_END.length);
    }

    private void text(int i, String r, int style, String value) throws IOException {
        out.write("<c r=\"");
        out.write(letters[i]);
        out.write(r);
        if (style != 0) {
            out.write("\" s=\"");
            out.write(Integer.toString(style));
        }
        String s = cut(i, value);
        boolean preserve = !s.isEmpty() && (isSpace(s.charAt(0)) || isSpace(s.charAt(s.length() - 1)));
        out.write(preserve ? "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">" : "\" t=\"inlineStr\"><is><t>");
        escape(s);
        out.write("</t></is></c>");
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** Writes text escaped for XML; characters XML 1.0 cannot hold (and lone surrogates) become U+FFFD. */
    private void escape(String s) throws IOException {
        int n = s.length();
        int i = 0;
        while (i < n && XmlText.plain(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            out.write(s);
            return;
        }
        sb.setLength(0);
        sb.append(s, 0, i);
        replaced += XmlText.append(sb, s, i, n);
        out.write(sb.toString());
    }

    /** @return per column, how many cells were cut at {@link #MAX_CELL_CHARS} */
    public long[] truncatedCells() {
        return truncated.clone();
    }

    /** @return how many characters XML cannot hold were replaced by U+FFFD */
    public long replacedCharacters() {
        return replaced;
    }
}
