package org.smsexport.bench;

import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Font;
import com.lowagie.text.PageSize;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import de.siegmar.fastcsv.writer.CsvWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import org.smsexport.core.InMemoryDataSource;
import org.smsexport.sample.SmsData;

/** The two sides of every comparison: our whole pipeline, and the plain library loop writing the same rows. */
final class Workloads {

    private Workloads() {
    }

    /** Deletes a directory and everything in it (the service leaves its audit trail beside the exports). */
    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
    /**
     * @param options the child's JVM options
     * @param main    its main class, from this jar
     * @param args    its arguments
     * @return the command line of a child JVM: this JVM's java binary and class path
     */
    static List<String> childJvm(List<String> options, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static List<Object[]> generate(ExportType type, int rows) {
        List<Object[]> out = new ArrayList<>(rows);
        SmsData.standard().rows(type, rows).forEachRemaining(out::add);
        return out;
    }

    /** A service over rows in memory, writing to {@code dir}, no record limit, no metrics file. */
    static ExportService service(ExportType type, Iterable<Object[]> rows, Path dir) {
        return service(type, rows, dir, true);
    }

    /** The same, choosing whether files are forced to disk before publishing (the default is yes). */
    static ExportService service(ExportType type, Iterable<Object[]> rows, Path dir, boolean fsync) {
        return service(InMemoryDataSource.builder().rows(type, rows).build(), dir, fsync);
    }

    /** A service over any source, writing to {@code dir}, no record limit, no metrics file. */
    static ExportService service(org.smsexport.spi.DataSource source, Path dir, boolean fsync) {
        return ExportService.builder().dataSource(source).outputDirectory(dir).maxRecords(0).noMetricsFile().fsync(fsync).build();
    }

    /** Ours: ExportService.run end to end; returns the file size and deletes the file. */
    static long ours(ExportService service, ExportType type, String format) {
        return ours(service, type, format, Map.of());
    }

    /** Ours with format options (a tagged PDF: {@code accessible=true}). */
    static long ours(ExportService service, ExportType type, String format, Map<String, String> options) {
        ExportOutcome o = service.run(ExportRequest.builder().type(type).format(format).options(options).build());
        if (!(o instanceof ExportOutcome.Completed)) {
            throw new IllegalStateException("Export failed: " + o.job().errorMessage().orElse("cancelled"));
        }
        Path file = ((ExportOutcome.Completed) o).file();
        try {
            long size = Files.size(file);
            Files.delete(file);
            return size;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Raw: the plain library loop a school would otherwise write; returns the file size and deletes the file. */
    static long raw(String format, ExportType type, List<Object[]> rows, Path dir) {
        Path file = dir.resolve("raw." + format);
        try {
            switch (format) {
                case "csv":
                    rawCsv(type, rows, file);
                    break;
                case "xlsx":
                    rawXlsx(type, rows, file);
                    break;
                case "pdf":
                    rawPdf(type, rows, file);
                    break;
                default:
                    throw new IllegalArgumentException("No raw loop for format '" + format + "'. Formats: [csv, xlsx, pdf]");
            }
            long size = Files.size(file);
            Files.delete(file);
            return size;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** FastCSV, {@code toString()} formatting, {@code build(Path)}. */
    private static void rawCsv(ExportType type, List<Object[]> rows, Path file) throws IOException {
        int n = type.columns().size();
        try (CsvWriter w = CsvWriter.builder().build(file)) {
            w.writeRecord(type.columnLabels(Locale.ENGLISH));
            String[] fields = new String[n];
            for (Object[] row : rows) {
                for (int i = 0; i < n; i++) {
                    fields[i] = row[i] == null ? "" : row[i].toString();
                }
                w.writeRecord(fields);
            }
        }
    }

    /** POI SXSSF, window 100, inline strings, no autosize, a date style for dates. */
    private static void rawXlsx(ExportType type, List<Object[]> rows, Path file) throws IOException {
        int n = type.columns().size();
        try (SXSSFWorkbook wb = new SXSSFWorkbook(100); OutputStream os = new BufferedOutputStream(Files.newOutputStream(file))) {
            Sheet sheet = wb.createSheet(type.label(Locale.ENGLISH));
            CellStyle date = wb.createCellStyle();
            date.setDataFormat(wb.createDataFormat().getFormat("yyyy-mm-dd"));
            Row header = sheet.createRow(0);
            List<String> labels = type.columnLabels(Locale.ENGLISH);
            for (int i = 0; i < n; i++) {
                header.createCell(i).setCellValue(labels.get(i));
            }
            int r = 1;
            for (Object[] values : rows) {
                Row row = sheet.createRow(r++);
                for (int i = 0; i < n; i++) {
                    Object v = values[i];
                    if (v == null) {
                        continue;
                    }
                    Cell c = row.createCell(i);
                    if (v instanceof Number) {
                        c.setCellValue(((Number) v).doubleValue());
                    } else if (v instanceof LocalDate) {
                        c.setCellValue((LocalDate) v);
                        c.setCellStyle(date);
                    } else {
                        c.setCellValue(v.toString());
                    }
                }
            }
            wb.write(os);
        }
    }

    /**
     * OpenPDF's own table, streamed: {@code PdfPTable} with the header row repeated on every page,
     * {@code setComplete(false)} and added to the document every 500 rows, A4 landscape, DejaVu Sans 7 pt
     * embedded (the same bundled font as ours), {@code toString()} of every value.
     */
    private static void rawPdf(ExportType type, List<Object[]> rows, Path file) throws IOException {
        int n = type.columns().size();
        Document doc = new Document(PageSize.A4.rotate(), 28, 28, 28, 28);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file))) {
            PdfWriter.getInstance(doc, os);
            doc.open();
            Font font = new Font(font("DejaVuSans.ttf"), 7);
            Font bold = new Font(font("DejaVuSans-Bold.ttf"), 7);
            PdfPTable table = new PdfPTable(n);
            table.setWidthPercentage(100);
            table.setHeaderRows(1);
            table.setComplete(false);
            for (String label : type.columnLabels(Locale.ENGLISH)) {
                table.addCell(new PdfPCell(new Phrase(label, bold)));
            }
            int r = 0;
            for (Object[] values : rows) {
                for (int i = 0; i < n; i++) {
                    table.addCell(new Phrase(values[i] == null ? "" : values[i].toString(), font));
                }
                if (++r % 500 == 0) {
                    doc.add(table);
                }
            }
            table.setComplete(true);
            doc.add(table);
            doc.close();
        } catch (DocumentException e) {
            throw new IOException(e);
        }
    }

    private static BaseFont font(String file) throws IOException, DocumentException {
        try (InputStream in = Workloads.class.getResourceAsStream("/org/smsexport/pdf/fonts/" + file)) {
            return BaseFont.createFont(file, BaseFont.IDENTITY_H, BaseFont.EMBEDDED, false, in.readAllBytes(), null);
        }
    }
}
