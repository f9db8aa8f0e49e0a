package org.smsexport.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Numbers written as digits are what BigDecimal writes, mixed with text and across buffer drains. */
class Utf8WriterTest {

    @Test
    void scaledNumbersAreBigDecimalsPlainText() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Utf8Writer w = new Utf8Writer(bytes);
        StringBuilder expected = new StringBuilder();
        long[] edge = {0, 1, -1, 9, 10, -10, 5, -5, 1234567, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            long v = i < edge.length * 19 ? edge[i % edge.length] : random.nextLong() >> random.nextInt(64);
            int scale = i % 19;
            w.writeScaled(v, scale);
            w.write(i % 7 == 0 ? "Ελ," : ";");
            expected.append(BigDecimal.valueOf(v, scale).toPlainString()).append(i % 7 == 0 ? "Ελ," : ";");
        }
        w.writeLong(-42);
        expected.append("-42");
        w.flush();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }

    @Test
    void aPendingHighSurrogateBeforeANumberIsReplaced() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Utf8Writer w = new Utf8Writer(bytes);
        w.write("a\uD83D");
        w.writeLong(7);
        w.flush();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("a\uFFFD7");
        assertThat(w.replacedCharacters()).isEqualTo(1);
        assertThatThrownBy(() -> w.writeScaled(1, 19)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..18");
    }
}
