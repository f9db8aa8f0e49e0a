package org.smsexport.pdf;

import java.util.Map;

/**
 * The exporter contract for accessible, archival reports (tagged PDF/UA-1 and PDF/A-2a, written by our own
 * writer rather than OpenPDF's): the same cells read back, a million rows in the contract's small heap.
 */
class PdfAccessibleContractTest extends PdfExporterContractTest {

    @Override
    protected Map<String, String> options() {
        return Map.of("accessible", "true", "archival", "true");
    }
}
