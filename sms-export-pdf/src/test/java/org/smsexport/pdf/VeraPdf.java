package org.smsexport.pdf;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;

/** veraPDF, the PDF Association's validator, on a file in memory: the rules it breaks. */
final class VeraPdf {

    static {
        VeraGreenfieldFoundryProvider.initialise();
    }

    private VeraPdf() {
    }

    /**
     * Validates against every flavour in one pass over the file (veraPDF's model of a file is the slow part).
     *
     * @param file     the PDF
     * @param flavours {@code PDFAFlavour.PDFUA_1}, {@code PDFA_2_U}, {@code PDFA_2_A}
     * @return every failed rule as "flavour clause-test: description (context)", once per rule; empty when the file
     *         conforms to all
     */
    static List<String> failures(byte[] file, PDFAFlavour... flavours) throws Exception {
        try (PDFAParser parser = Foundries.defaultInstance().createParser(new ByteArrayInputStream(file), flavours[0])) {
            PDFAValidator validator = Foundries.defaultInstance().createValidator(List.of(flavours));
            List<String> failed = new ArrayList<>();
            for (ValidationResult result : validator.validateAll(parser)) {
                result.getTestAssertions().stream().filter(a -> a.getStatus() == TestAssertion.Status.FAILED)
                        .map(a -> result.getPDFAFlavour() + " " + a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber() + ": "
                                + a.getMessage() + " (" + a.getLocation().getContext() + ")")
                        .distinct().limit(20).forEach(failed::add);
            }
            return failed;
        }
    }
}
