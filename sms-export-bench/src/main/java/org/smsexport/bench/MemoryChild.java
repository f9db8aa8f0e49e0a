package org.smsexport.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;

/** The child JVM of {@code memory}: one export of generated rows, then one JSON line with its peak RSS. */
public final class MemoryChild {

    private MemoryChild() {
    }

    /**
     * @param args format, type, rows, output directory
     * @throws Exception when the export fails
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        String format = args[0];
        ExportType type = ExportType.builtIn(args[1]).orElseThrow();
        long rows = Long.parseLong(args[2]);
        Path dir = Path.of(args[3]);
        long t0 = System.nanoTime();
        long bytes;
        try (ExportService service = Workloads.service(type, new Lazy(type, rows), dir)) {
            bytes = Workloads.ours(service, type, format);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> l.replaceAll("[^0-9]", "")).findFirst().orElse("-1");
        System.out.printf(Locale.ROOT, "{\"format\":\"%s\",\"type\":\"%s\",\"rows\":%d,\"xmx\":\"%s\",\"status\":\"ok\",\"bytes\":%d,"
                + "\"seconds\":%.3f,\"max_heap_bytes\":%d,\"peak_rss_kb\":%s}%n", format, type.name(), rows,
                Runtime.getRuntime().maxMemory() / 1048576 + "m", bytes, seconds, Runtime.getRuntime().maxMemory(), hwm);
    }
}
