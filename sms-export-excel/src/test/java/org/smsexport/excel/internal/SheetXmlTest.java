package org.smsexport.excel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A double written as a short decimal reads back as the very same double. */
class SheetXmlTest {

    @Test
    void shortDecimalsReadBackExactly() {
        SplittableRandom random = new SplittableRandom(5);
        int shortened = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double d;
            switch (i % 4) {
                case 0:
                    d = Math.round(random.nextDouble() * 10_000) / 100.0; // a grade
                    break;
                case 1:
                    d = random.nextDouble() * 100 / 7; // a percentage: many digits
                    break;
                case 2:
                    d = (random.nextLong() >> random.nextInt(64)) / Math.pow(10, random.nextInt(8));
                    break;
                default:
                    d = Double.longBitsToDouble(random.nextLong()); // anything at all
                    break;
            }
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            long exact = SheetXml.shortDecimal(d);
            if (exact == Long.MIN_VALUE) {
                continue;
            }
            shortened++;
            String text = BigDecimal.valueOf(exact >> 4, (int) (exact & 15)).toPlainString();
            assertThat(Double.parseDouble(text)).as("%s written as %s", d, text).isEqualTo(d);
        }
        assertThat(shortened).as("grades and small decimals take the short path").isGreaterThan(250_000);
        assertThat(SheetXml.shortDecimal(12.5)).isEqualTo(125L << 4 | 1);
        assertThat(SheetXml.shortDecimal(-0.05)).isEqualTo(-5L << 4 | 2);
        assertThat(SheetXml.shortDecimal(1.0 / 3)).isEqualTo(Long.MIN_VALUE);
        assertThat(SheetXml.shortDecimal(1e300)).isEqualTo(Long.MIN_VALUE);
    }
}
