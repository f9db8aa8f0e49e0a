package org.smsexport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smsexport.ExportFormat;
import org.smsexport.ExportOutcome;
import org.smsexport.ExportRequest;
import org.smsexport.ProviderException;
import org.smsexport.UnsupportedFormatException;
import org.smsexport.csv.CsvExporter;
import org.smsexport.spi.ExportContext;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.RowCursor;

class DiscoveryTest {

    @TempDir
    Path dir;

    /** A second exporter claiming csv, as a stray jar would. */
    public static final class OtherCsv implements Exporter {
        /** For ServiceLoader. */
        public OtherCsv() {
        }

        @Override
        public ExportFormat format() {
            return new ExportFormat("csv", "csv", "text/csv");
        }

        @Override
        public void write(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context) throws java.io.IOException {
            out.write("other".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private ClassLoader loaderListing(String... providers) throws Exception {
        Path services = Files.createDirectories(dir.resolve("cp/META-INF/services"));
        Files.writeString(services.resolve("org.smsexport.spi.Exporter"), String.join("\n", providers) + "\n");
        return new URLClassLoader(new URL[] {dir.resolve("cp").toUri().toURL()}, getClass().getClassLoader());
    }

    private ExportService.Builder builder() {
        return ExportService.builder().outputDirectory(dir.resolve("out")).noMetricsFile().dataSource(Fixtures.memory(3));
    }

    @Test
    void exportFormatsLimitsTheFormatsOfferedAndRefusesTheOthersNamingTheEnabledOnes() {
        Exporter txt = new Exporter() {
            @Override
            public ExportFormat format() {
                return new ExportFormat("txt", "txt", "text/plain");
            }

            @Override
            public void write(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context) {
                // never asked to: the format is switched off
            }
        };
        try (ExportService all = builder().exporter(txt).build()) {
            assertThat(all.formats()).extracting(ExportFormat::id).containsExactly("csv", "txt");
        }
        try (ExportService some = builder().exporter(txt).config(java.util.Map.of("EXPORT_FORMATS", "CSV")).build()) {
            assertThat(some.formats()).extracting(ExportFormat::id).containsExactly("csv");
            assertThat(some.config().formats()).containsExactly("csv");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> some.submit(org.smsexport.ExportRequest.builder().type("students")
                    .format("txt").build())).isInstanceOf(org.smsexport.UnsupportedFormatException.class)
                    .hasMessageContaining("switched off").hasMessageContaining("Enabled: [csv]");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder().config(java.util.Map.of("EXPORT_FORMATS", "csv,docx")).build())
                .isInstanceOf(org.smsexport.InvalidRequestException.class).hasMessageContaining("'docx'").hasMessageContaining("[csv]");
    }

    @Test
    void discoversTheCsvModuleOnTheClassPath() {
        try (ExportService exports = builder().build()) {
            assertThat(exports.formats()).extracting(ExportFormat::id).containsExactly("csv");
            assertThat(exports.types()).hasSize(5);
        }
    }

    @Test
    void discoveryCanBeSwitchedOff() {
        try (ExportService exports = builder().discovery(false).build()) {
            assertThat(exports.formats()).isEmpty();
            assertThatThrownBy(() -> exports.submit(ExportRequest.builder().type("students").format("csv").build()))
                    .isInstanceOf(UnsupportedFormatException.class)
                    .hasMessage("No exporter for format 'csv'. Available: []. Add org.smsexport:sms-export-csv to the class path.");
        }
        try (ExportService exports = builder().discovery(false).exporter(new CsvExporter()).build()) {
            assertThat(exports.formats()).extracting(ExportFormat::id).containsExactly("csv");
        }
    }

    @Test
    void twoDiscoveredExportersForOneFormatIsAnErrorNamingBoth() throws Exception {
        ClassLoader loader = loaderListing(OtherCsv.class.getName());
        assertThatThrownBy(() -> builder().classLoader(loader).build())
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("Two exporters claim format 'csv': ")
                .hasMessageContaining(CsvExporter.class.getName())
                .hasMessageContaining(OtherCsv.class.getName())
                .hasMessageContaining("register the one you want with ExportService.builder().exporter(...)");
    }

    @Test
    void anExplicitlyRegisteredExporterWinsOverDiscoveredOnes() throws Exception {
        ClassLoader loader = loaderListing(OtherCsv.class.getName());
        try (ExportService exports = builder().classLoader(loader).exporter(new OtherCsv()).build()) {
            ExportOutcome outcome = exports.run(ExportRequest.builder().type("courses").format("csv").build());
            assertThat(Files.readString(((ExportOutcome.Completed) outcome).file())).isEqualTo("other");
        }
    }

    @Test
    void aBrokenProviderEntryIsReportedWithItsName() throws Exception {
        ClassLoader loader = loaderListing("com.example.MissingExporter");
        assertThatThrownBy(() -> builder().classLoader(loader).build())
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("com.example.MissingExporter")
                .hasMessageContaining("EXPORT_DISCOVERY=false");
    }
}
