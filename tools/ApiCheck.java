import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * The recorded public API of one module: {@code java tools/ApiCheck.java <classes> <api.txt> check|update}. Lists, with
 * {@code javap -protected}, every public type of the compiled classes outside {@code internal} packages and its public and
 * protected members, one line each ({@code type: member}); {@code check} fails naming each member added or removed
 * since the file was written, {@code update} rewrites the file. The build runs {@code check} at {@code verify};
 * {@code mvn -B verify -DskipTests -Dapi.update} records a change on purpose.
 */
public final class ApiCheck {

    private ApiCheck() {
    }

    public static void main(String[] args) throws IOException {
        Path classes = Path.of(args[0]);
        Path file = Path.of(args[1]);
        boolean update = args[2].equals("update");
        List<String> api = signatures(classes);
        if (update) {
            Files.writeString(file, String.join("\n", api) + "\n", StandardCharsets.UTF_8);
            System.out.println("[api] recorded " + api.size() + " signatures in " + file);
            return;
        }
        if (!Files.exists(file)) {
            fail(file, "no recorded API: " + file + " is missing", List.of());
        }
        Set<String> recorded = new LinkedHashSet<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        recorded.remove("");
        Set<String> now = new LinkedHashSet<>(api);
        List<String> diff = new ArrayList<>();
        for (String s : api) {
            if (!recorded.contains(s)) {
                diff.add("  added:   " + s);
            }
        }
        for (String s : recorded) {
            if (!now.contains(s)) {
                diff.add("  removed: " + s);
            }
        }
        if (!diff.isEmpty()) {
            fail(file, "the public API differs from " + file, diff);
        }
        System.out.println("[api] " + api.size() + " signatures as recorded in " + file);
    }

    private static void fail(Path file, String why, List<String> diff) {
        System.err.println("[api] " + why + ":");
        diff.forEach(System.err::println);
        System.err.println("[api] if the change is meant, record it: mvn -B verify -DskipTests -Dapi.update (then commit "
                + file.getFileName() + ")");
        System.exit(1);
    }

    /** @return {@code type: member} lines of every exported public type, sorted */
    static List<String> signatures(Path classes) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            files.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                String rel = classes.relativize(p).toString().replace('\\', '/');
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                boolean internal = ("." + name + ".").contains(".internal.");
                boolean anonymous = name.matches(".*\\$[0-9].*");
                if (!internal && !anonymous && !name.endsWith("module-info") && !name.endsWith("package-info")) {
                    names.add(name);
                }
            });
        }
        names.sort(null);
        if (names.isEmpty()) {
            return List.of();
        }
        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow(() -> new IllegalStateException("javap is not in this JDK"));
        List<String> cmd = new ArrayList<>(List.of("-protected", "-cp", classes.toString()));
        cmd.addAll(names);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = javap.run(new PrintWriter(out), new PrintWriter(err), cmd.toArray(new String[0]));
        if (rc != 0) {
            throw new IllegalStateException("javap failed: " + err);
        }
        List<String> lines = new ArrayList<>();
        String type = null;
        for (String raw : out.toString().split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("Compiled from")) {
                continue;
            }
            if (line.equals("}")) {
                type = null;
                continue;
            }
            if (line.endsWith("{") && type == null) {
                String decl = line.substring(0, line.length() - 1).strip();
                // a type that is not public (javap prints its declaration all the same) is no API
                type = decl.startsWith("public ") ? decl : "";
                if (!type.isEmpty()) {
                    lines.add(normalize(type));
                }
                continue;
            }
            if (type != null && !type.isEmpty()) {
                lines.add(typeName(type) + ": " + normalize(line));
            }
        }
        lines.sort(null);
        return lines;
    }

    /** The type's name in its declaration, e.g. {@code org.smsexport.ExportJob$Builder}. */
    private static String typeName(String decl) {
        for (String word : decl.split("[ <]")) {
            if (word.contains(".")) {
                return word;
            }
        }
        return decl;
    }

    /** What differs between JDKs' javap and means nothing: a trailing semicolon, runs of spaces. */
    private static String normalize(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.endsWith(";") ? t.substring(0, t.length() - 1) : t;
    }
}
