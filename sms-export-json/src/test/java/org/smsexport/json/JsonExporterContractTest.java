package org.smsexport.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.smsexport.spi.Exporter;
import org.smsexport.test.ExporterContract;

/** The JSON exporter honours the exporter contract, read back with Jackson: every value as the CSV's text of it, decimals with their scale. */
class JsonExporterContractTest extends ExporterContract {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    @Override
    protected Exporter exporter() {
        return new JsonExporter();
    }

    @Override
    protected List<List<String>> readBack(byte[] file) throws Exception {
        return read(JSON.readTree(file));
    }

    /** The header (the columns' labels) and each row's values in column order, as text. */
    static List<List<String>> read(JsonNode doc) {
        List<List<String>> out = new ArrayList<>();
        List<String> header = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (JsonNode c : doc.get("columns")) {
            header.add(c.get("label").asText());
            ids.add(c.get("id").asText());
        }
        out.add(header);
        for (JsonNode row : doc.get("rows")) {
            List<String> cells = new ArrayList<>();
            for (String id : ids) {
                JsonNode v = row.get(id);
                cells.add(v == null || v.isNull() ? "" : v.isBigDecimal() ? v.decimalValue().toPlainString() : v.asText());
            }
            out.add(cells);
        }
        return out;
    }

    /** The contract holds every format to the formula guard: here it is asked for (JSON's default is off, see JsonExporterTest). */
    @Override
    protected java.util.Map<String, String> options() {
        return java.util.Map.of("formula_guard", "true");
    }
}
