package org.smsexport.ods;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Our ODS files as outside readers see them: python3-odf (odfpy) and LibreOffice. */
final class OdsFiles {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SOFFICE = Path.of("/usr/bin/soffice");
    private static final ObjectMapper JSON = new ObjectMapper();

    private OdsFiles() {
    }

    /** @return whether python3 with odfpy is here (.ci/run installs python3-odf) */
    static boolean odfpy() throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import odf").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /**
     * @param file an ODS file's bytes
     * @return each sheet's name and rows (header first), in order, as odfpy reads them
     */
    static Map<String, List<List<String>>> sheets(byte[] file) throws Exception {
        Path tmp = Files.createTempFile("sms-export-ods", ".ods");
        try {
            Files.write(tmp, file);
            Path script = Files.createTempFile("read_ods", ".py");
            try (InputStream in = OdsFiles.class.getResourceAsStream("read_ods.py")) {
                Files.write(script, in.readAllBytes());
            }
            Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), tmp.toString()).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("python3-odf could not read the file: " + err);
            }
            Files.delete(script);
            Map<String, List<List<String>>> sheets = new LinkedHashMap<>();
            List<List<String>> current = null;
            for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                if (node.isObject()) {
                    current = new ArrayList<>();
                    sheets.put(node.get("sheet").asText(), current);
                } else {
                    current.add(JSON.convertValue(node, new TypeReference<List<String>>() { }));
                }
            }
            return sheets;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
