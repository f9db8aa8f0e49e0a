package org.smsexport.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        Path dir = Files.createTempDirectory("sms-export-memory");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + xmx,
                "-cp", System.getProperty("java.class.path"), MemoryChild.class.getName(), format, type, Long.toString(rows),
                dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                output.add(line);
            }
        }
        int code = p.waitFor();
        Files.deleteIfExists(dir);
        String last = output.isEmpty() ? "" : output.get(output.size() - 1);
        if (code == 0 && last.startsWith("{")) {
            System.out.println(last);
            return 0;
        }
        System.out.println("{\"format\":\"" + format + "\",\"rows\":" + rows + ",\"xmx\":\"" + xmx + "\",\"status\":\"failed\",\"exit\":"
                + code + "}");
        output.stream().filter(l -> l.contains("OutOfMemoryError") || l.contains("Exception")).limit(3).forEach(System.out::println);
        return 1;
    }
}
