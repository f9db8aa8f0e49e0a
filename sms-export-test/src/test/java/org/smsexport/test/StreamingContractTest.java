package org.smsexport.test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smsexport.ExportFormat;
import org.smsexport.spi.ExportContext;
import org.smsexport.spi.ExportSchema;
import org.smsexport.spi.Exporter;
import org.smsexport.spi.RowCursor;

/** The exporter contract's streaming tests fail an exporter that keeps what it reads and writes it at the end. */
class StreamingContractTest {

    /** Keeps every value, or (text) a copy of every value as text, and writes the lot once the rows ran out. */
    static final class Buffering implements Exporter {
        private final boolean asText;

        Buffering(boolean asText) {
            this.asText = asText;
        }

        @Override
        public ExportFormat format() {
            return new ExportFormat("buffering", "txt", "text/plain");
        }

        @Override
        public void write(ExportSchema schema, RowCursor rows, OutputStream out, ExportContext context) throws IOException {
            List<Object[]> all = new ArrayList<>();
            int columns = schema.columns().size();
            long n = 0;
            while (rows.next()) {
                Object[] copy = new Object[columns];
                for (int i = 0; i < columns; i++) {
                    Object v = rows.get(i);
                    copy[i] = asText && v != null ? new StringBuilder().append(v).toString() : v;
                }
                all.add(copy);
                context.progress(++n);
            }
            for (Object[] row : all) {
                out.write((java.util.Arrays.toString(row) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The contract over an exporter that keeps values. */
    static final class KeepsValues extends ExporterContract {
        @Override
        protected Exporter exporter() {
            return new Buffering(false);
        }

        @Override
        protected List<List<String>> readBack(byte[] file) {
            return List.of();
        }
    }

    /** The contract over an exporter that keeps copies of values, as text. */
    static final class KeepsText extends ExporterContract {
        @Override
        protected Exporter exporter() {
            return new Buffering(true);
        }

        @Override
        protected List<List<String>> readBack(byte[] file) {
            return List.of();
        }

        @Override
        protected long largeRowCount() {
            return 1_000_000;
        }
    }

    @Test
    void theInProcessTestFailsAnExporterThatKeepsTheValuesItRead() {
        assertThatThrownBy(() -> new KeepsValues().streamsAMillionRowsWithoutHoldingThem()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("half-way through the export");
    }

    @Test
    void theSmallHeapTestFailsAnExporterThatKeepsCopiesOfTheValues() {
        assertThatThrownBy(() -> new KeepsText().streamsAMillionRowsInASmallHeap()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the exporter must stream");
    }
}
