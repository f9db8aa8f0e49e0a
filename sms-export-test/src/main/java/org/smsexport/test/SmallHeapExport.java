package org.smsexport.test;

import java.util.Locale;
import org.smsexport.ExportType;
import org.smsexport.sample.SmsData;
import org.smsexport.spi.RowCursor;

/**
 * The other half of {@link ExporterContract}'s streaming test, in a JVM of its own with a small heap: it exports the
 * contract's large row count with the exporter of the named contract subclass and prints {@code OK <bytes>}. An
 * exporter that keeps rows (or their values) runs out of memory here.
 */
public final class SmallHeapExport {

    private SmallHeapExport() {
    }

    /**
     * @param args the contract subclass's binary name
     * @throws Exception when the export fails: the JVM exits non-zero
     */
    public static void main(String[] args) throws Exception {
        Class<?> type = Class.forName(args[0]);
        var constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        ExporterContract contract = (ExporterContract) constructor.newInstance();
        long total = contract.largeRowCount();
        ExporterContract.CountingStream out = new ExporterContract.CountingStream();
        contract.exporter().write(contract.schema(ExportType.STUDENTS, Locale.ENGLISH),
                RowCursor.of(SmsData.standard().rows(ExportType.STUDENTS, total)), out, RecordingContext.of(contract.options()));
        System.out.println("OK " + out.count);
    }
}
