package org.smsexport.csv;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads CSV bytes back with FastCSV's reader, the way a consumer would. */
final class CsvFiles {

    private CsvFiles() {
    }

    static List<List<String>> read(byte[] file) {
        return read(file, ',');
    }

    static List<List<String>> read(byte[] file, char delimiter) {
        String text = new String(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> rows = new ArrayList<>();
        for (CsvRecord r : CsvReader.builder().fieldSeparator(delimiter).ofCsvRecord(text)) {
            rows.add(r.getFields());
        }
        return rows;
    }
}
