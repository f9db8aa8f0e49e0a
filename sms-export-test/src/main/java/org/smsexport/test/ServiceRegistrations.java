package org.smsexport.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Checks that a provider module registers the same providers in {@code META-INF/services} (what the class
 * path sees) and in {@code module-info.java} (what the module path sees), so discovery works both ways.
 */
public final class ServiceRegistrations {

    private ServiceRegistrations() {
    }

    /**
     * @param anyClassOfTheModule a class from the jar or classes directory to check
     * @throws AssertionError when the two registrations differ or the module declares none
     */
    public static void assertConsistent(Class<?> anyClassOfTheModule) {
        Path root;
        try {
            root = Path.of(anyClassOfTheModule.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (Files.isDirectory(root)) {
            check(root);
            return;
        }
        try (FileSystem jar = FileSystems.newFileSystem(root)) {
            check(jar.getPath("/"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(Path root) {
        try {
            Map<String, List<String>> fromModule = new TreeMap<>();
            try (InputStream in = Files.newInputStream(root.resolve("module-info.class"))) {
                for (ModuleDescriptor.Provides p : ModuleDescriptor.read(in).provides()) {
                    fromModule.put(p.service(), p.providers().stream().sorted().toList());
                }
            }
            Map<String, List<String>> fromServices = new TreeMap<>();
            Path services = root.resolve("META-INF/services");
            if (Files.isDirectory(services)) {
                try (Stream<Path> files = Files.list(services)) {
                    for (Path f : files.toList()) {
                        List<String> providers = new ArrayList<>();
                        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                            String s = line.replaceAll("#.*", "").strip();
                            if (!s.isEmpty()) {
                                providers.add(s);
                            }
                        }
                        providers.sort(null);
                        fromServices.put(f.getFileName().toString(), providers);
                    }
                }
            }
            assertThat(fromModule).as("provides clauses of module-info").isNotEmpty();
            assertThat(fromServices).as("META-INF/services registrations vs module-info provides").isEqualTo(fromModule);
            for (List<String> providers : fromModule.values()) {
                for (String provider : providers) {
                    assertThat(root.resolve(provider.replace('.', '/') + ".class")).as("provider class " + provider).exists();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
