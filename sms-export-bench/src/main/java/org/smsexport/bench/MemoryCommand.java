package org.smsexport.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One export in a child JVM with a small heap; reports whether it succeeded and the child's peak RSS. */
@Command(name = "memory", mixinStandardHelpOptions = true, description = "Run one export in a child JVM with a fixed heap.")
final class MemoryCommand implements Callable<Integer> {

    @Option(names = "--format", required = true, description = "csv, xlsx or pdf")
    String format;

    @Option(names = "--type", defaultValue = "students", description = "Export type (default ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--xmx", defaultValue = "32m", description = "Child heap (default ${DEFAULT-VALUE}).")
    String xmx;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> r = measure(format, type, rows, xmx);
        System.out.println(new ObjectMapper().writeValueAsString(r));
        boolean ok = "ok".equals(r.get("status"));
        if (!ok) {
            ((List<?>) r.getOrDefault("errors", List.of())).forEach(System.out::println);
        }
        return ok ? 0 : 1;
    }

    /**
     * @return the child's JSON line (status ok, seconds, peak_rss_kb, …), or status failed with the exit code and the
     *         first lines naming an error
     */
    static Map<String, Object> measure(String format, String type, long rows, String xmx) throws Exception {
        Path dir = Files.createTempDirectory("sms-export-memory");
        List<String> cmd = Workloads.childJvm(List.of("-Xmx" + xmx), MemoryChild.class, format, type, Long.toString(rows),
                dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                output.add(line);
            }
        }
        int code = p.waitFor();
        Workloads.deleteTree(dir);
        String last = output.isEmpty() ? "" : output.get(output.size() - 1);
        if (code == 0 && last.startsWith("{")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper().readValue(last, Map.class);
            return m;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("rows", rows);
        m.put("xmx", xmx);
        m.put("status", "failed");
        m.put("exit", code);
        m.put("errors", output.stream().filter(l -> l.contains("OutOfMemoryError") || l.contains("Exception")).limit(3).toList());
        return m;
    }
}
