package org.smsexport.pdf.internal;

import com.lowagie.text.Rectangle;
import com.lowagie.text.pdf.BaseFont;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes tagged (PDF/UA-1) and archival (PDF/A-2) reports itself, page by page, so that a million rows need no
 * more memory than one page: OpenPDF keeps every object of a document in its cross-reference table, and a
 * tagged table has one structure element per cell.
 *
 * <p>The file is PDF 1.7 with object streams and a cross-reference stream. Each page is written as it arrives:
 * its dictionary, its deflated content stream, and one object stream holding the page's structure elements
 * (TBody, a TR per row, a TD per cell) and its parent-tree array (marked-content id to element). Object numbers
 * are given out in a fixed pattern per page, so the cross-reference stream is written at the end from a few
 * numbers per page, and the elements that have children on every page (Table, the parent tree, Pages) are
 * written last by listing the per-page objects. The fonts are subsets of DejaVu Sans (OpenPDF's subsetter)
 * with widths and a ToUnicode map of every glyph used, written at the end.
 *
 * <p>The structure: Document, holding H1 (the title), three P (generation time, filters, row count) and a Table
 * of a THead (one TR of TH with Scope Column, page 1) and a TBody per page. Shading, grid lines, footers and the
 * header row repeated on later pages are artifacts. Archival adds the PDF/A identification to the XMP metadata
 * (with the PDF/UA extension schema when both are asked for) and an sRGB output intent from the JDK's profile.
 */
final class ConformingSink extends PageSink {

    // object numbers that do not depend on the page count
    private static final int CATALOG = 1;
    private static final int PAGES = 2;
    private static final int STRUCT_ROOT = 3;
    private static final int DOCUMENT = 4;
    static final int TABLE = 5;
    private static final int PARENT_TREE = 6;
    private static final int FONT_REGULAR = 7; // Type0, CIDFont, descriptor, font file, ToUnicode: 7 to 11
    private static final int FONT_BOLD = 12; // 12 to 16
    private static final int TOTAL_PAGES = 17;
    private static final int ROW_COUNT = 18;
    private static final int METADATA = 19;
    private static final int INFO = 20;
    private static final int ICC = 21;
    private static final int TITLE_BLOCK = 22; // H1 and three P: 22 to 25
    private static final int THEAD = 26;
    private static final int THEAD_ROW = 27;
    private static final int TH = 28;

    private static final DateTimeFormatter PDF_DATE = DateTimeFormatter.ofPattern("'D:'yyyyMMddHHmmssxxx", Locale.ROOT);

    private final Counting out;
    private final Rectangle pageSize;
    private final boolean tagged;
    private final boolean archival;
    private final int n;
    private final String title;
    private final String language;
    private final ZonedDateTime created;
    private final float footerSize;
    private final float metaSize;
    private final Font regular;
    private final Font bold;
    private final long[] fixedOffsets;
    private final Flate flate = new Flate(64 * 1024);
    private final Ops scratch = new Ops(8 * 1024);

    // per page: first object number, objects in its object stream, offsets of its page, content and object stream
    private int[] pageBase = new int[256];
    private int[] pageStreamed = new int[256];
    private boolean[] pageHasBody = new boolean[256];
    private long[] pageOffsets = new long[256 * 3];
    private int pages;
    private int nextObject;
    private int rowCountMcid = -1;
    private final float[] totalAt = new float[2];

    /**
     * @param pageSize   the page
     * @param out        where the file goes (not closed)
     * @param regular    the regular font
     * @param bold       the bold font
     * @param columns    the table's column count
     * @param tagged     whether to write PDF/UA structure
     * @param archival   whether to write PDF/A-2 (U, or A when tagged)
     * @param title      the document title
     * @param language   the document's language (BCP 47)
     * @param created    when the report was generated
     * @param footerSize the footer's font size
     * @param metaSize   the title block's font size
     */
    ConformingSink(Rectangle pageSize, OutputStream out, BaseFont regular, BaseFont bold, int columns, boolean tagged, boolean archival,
            String title, String language, ZonedDateTime created, float footerSize, float metaSize) throws IOException {
        this.out = new Counting(out);
        this.pageSize = pageSize;
        this.tagged = tagged;
        this.archival = archival;
        this.n = columns;
        this.title = title;
        this.language = language;
        this.created = created.truncatedTo(ChronoUnit.SECONDS);
        this.footerSize = footerSize;
        this.metaSize = metaSize;
        this.regular = new Font(regular);
        this.bold = new Font(bold);
        this.nextObject = TH + columns;
        this.fixedOffsets = new long[nextObject];
        this.out.write("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    String regularName() {
        return "F1";
    }

    @Override
    String boldName() {
        return "F2";
    }

    @Override
    protected void writePage(Page page) throws IOException {
        regular.use(page.newRegular());
        bold.use(page.newBold());
        int p = pages;
        if (p == pageBase.length) {
            pageBase = Arrays.copyOf(pageBase, p * 2);
            pageStreamed = Arrays.copyOf(pageStreamed, p * 2);
            pageHasBody = Arrays.copyOf(pageHasBody, p * 2);
            pageOffsets = Arrays.copyOf(pageOffsets, p * 6);
        }
        Tags tags = page.tags();
        Structure.Stream stream = page.structure();
        int base = nextObject;
        if (tagged && stream.base() != base) {
            throw new IllegalStateException("page " + page.number() + " numbered from " + stream.base() + ", expected " + base);
        }
        int streamed = tagged ? stream.count() : 0;
        pageBase[p] = base;
        pageStreamed[p] = streamed;
        pageHasBody[p] = tagged && stream.body();
        nextObject = base + (tagged ? 3 : 2) + streamed;
        pages++;
        if (page.number() == 1) {
            totalAt[0] = page.totalX();
            totalAt[1] = page.totalY();
        }

        // the page
        pageOffsets[p * 3] = begin(base);
        ascii("<</Type/Page/Parent " + PAGES + " 0 R/MediaBox[0 0 " + num(pageSize.getWidth()) + " " + num(pageSize.getHeight())
                + "]/Resources<</Font<</F1 " + FONT_REGULAR + " 0 R/F2 " + FONT_BOLD + " 0 R>>/XObject<</Xt " + TOTAL_PAGES
                + " 0 R/Xr " + ROW_COUNT + " 0 R>>/ProcSet[/PDF/Text]>>/Contents " + (base + 1) + " 0 R"
                + (tagged ? "/StructParents " + p + "/Tabs/S" : "") + ">>\nendobj\n");

        // its content: the page's operators and the templates' numbers
        scratch.clear();
        scratch.ascii("/Artifact BMC q 1 0 0 1 ").num(page.totalX()).num(page.totalY() - footerSize / 2).ascii("cm /Xt Do Q EMC\n");
        if (page.number() == 1) {
            if (tagged) {
                rowCountMcid = tags.count();
                scratch.ascii("/P <</MCID ").ascii(Integer.toString(rowCountMcid)).ascii(">> BDC ");
            }
            scratch.ascii("q 1 0 0 1 ").num(page.rowsX()).num(page.rowsY() - metaSize / 2).ascii("cm /Xr Do Q").ascii(tagged ? " EMC\n" : "\n");
        }
        pageOffsets[p * 3 + 1] = begin(base + 1);
        flate.reset().add(page.content(), page.content().length).finish(scratch.buffer(), scratch.size());
        deflatedStream("");

        if (tagged) {
            if (page.number() == 1) {
                titleBlock(base, tags);
            }
            pageOffsets[p * 3 + 2] = begin(base + 2);
            structure(stream);
        }
    }

    /** Page 1's title block and header row, as objects of their own (they are few). */
    private void titleBlock(int page, Tags tags) throws IOException {
        String[] roles = {"H1", "P", "P", "P"};
        for (int i = 0; i < Tags.TITLE_BLOCK; i++) {
            fixedOffsets[TITLE_BLOCK + i] = begin(TITLE_BLOCK + i);
            String kids = i == Tags.TITLE_BLOCK - 1 ? "[" + i + " " + rowCountMcid + "]" : Integer.toString(i);
            ascii("<</Type/StructElem/S/" + roles[i] + "/P " + DOCUMENT + " 0 R/Pg " + page + " 0 R/K " + kids + ">>\nendobj\n");
        }
        fixedOffsets[THEAD] = begin(THEAD);
        ascii("<</Type/StructElem/S/THead/P " + TABLE + " 0 R/K[" + THEAD_ROW + " 0 R]>>\nendobj\n");
        fixedOffsets[THEAD_ROW] = begin(THEAD_ROW);
        StringBuilder kids = new StringBuilder();
        for (int c = 0; c < n; c++) {
            kids.append(c == 0 ? "" : " ").append(TH + c).append(" 0 R");
        }
        ascii("<</Type/StructElem/S/TR/P " + THEAD + " 0 R/K[" + kids + "]>>\nendobj\n");
        for (int c = 0; c < n; c++) {
            fixedOffsets[TH + c] = begin(TH + c);
            int mcid = tags.header()[c];
            ascii("<</Type/StructElem/S/TH/P " + THEAD_ROW + " 0 R/Pg " + page + " 0 R" + (mcid >= 0 ? "/K " + mcid : "")
                    + "/A<</O/Table/Scope/Column>>>>\nendobj\n");
        }
    }

    /** The object number of page 1, after the objects that do not depend on the page count. */
    static int firstPageObject(int columns) {
        return TH + columns;
    }

    /** Page 1's parent-tree entries for the title block and the header cells. */
    static void titleBlockOwners(int[] owner, Tags tags, int columns) {
        for (int i = 0; i < Tags.TITLE_BLOCK; i++) {
            owner[i] = TITLE_BLOCK + i;
        }
        for (int c = 0; c < columns; c++) {
            if (tags.header()[c] >= 0) {
                owner[tags.header()[c]] = TH + c;
            }
        }
        owner[tags.count()] = TITLE_BLOCK + Tags.TITLE_BLOCK - 1;
    }

    /** One page's object stream of structure elements, built by {@link Structure}. */
    private void structure(Structure.Stream stream) throws IOException {
        ascii("<</Type/ObjStm/N " + stream.count() + "/First " + stream.first() + "/Filter/FlateDecode/Length " + stream.deflated().length
                + ">>\nstream\n");
        out.write(stream.deflated());
        ascii("\nendstream\nendobj\n");
    }

    @Override
    protected void close() throws IOException {
        template(TOTAL_PAGES, footerSize, 8, Integer.toString(pages));
        template(ROW_COUNT, metaSize, 12, rowCountText);
        regular.write(FONT_REGULAR);
        bold.write(FONT_BOLD);
        if (tagged) {
            fixedOffsets[STRUCT_ROOT] = begin(STRUCT_ROOT);
            ascii("<</Type/StructTreeRoot/K " + DOCUMENT + " 0 R/ParentTree " + PARENT_TREE + " 0 R/ParentTreeNextKey " + pages
                    + ">>\nendobj\n");
            fixedOffsets[DOCUMENT] = begin(DOCUMENT);
            ascii("<</Type/StructElem/S/Document/P " + STRUCT_ROOT + " 0 R/K[22 0 R 23 0 R 24 0 R 25 0 R " + TABLE + " 0 R]>>\nendobj\n");
            fixedOffsets[TABLE] = begin(TABLE);
            ascii("<</Type/StructElem/S/Table/P " + DOCUMENT + " 0 R/K[" + THEAD + " 0 R");
            for (int p = 0; p < pages; p++) {
                if (pageHasBody[p]) {
                    ascii(" " + (pageBase[p] + 3) + " 0 R");
                }
            }
            ascii("]>>\nendobj\n");
            fixedOffsets[PARENT_TREE] = begin(PARENT_TREE);
            ascii("<</Nums[");
            for (int p = 0; p < pages; p++) {
                ascii(p + " " + (pageBase[p] + 3 + (pageHasBody[p] ? pageStreamed[p] - 1 : 0)) + " 0 R ");
            }
            ascii("]>>\nendobj\n");
        }
        fixedOffsets[PAGES] = begin(PAGES);
        ascii("<</Type/Pages/Count " + pages + "/Kids[");
        for (int p = 0; p < pages; p++) {
            ascii(pageBase[p] + " 0 R ");
        }
        ascii("]>>\nendobj\n");

        byte[] xmp = xmp();
        fixedOffsets[METADATA] = begin(METADATA);
        ascii("<</Type/Metadata/Subtype/XML/Length " + xmp.length + ">>\nstream\n");
        out.write(xmp);
        ascii("\nendstream\nendobj\n");
        fixedOffsets[INFO] = begin(INFO);
        String date = PDF_DATE.format(created).replace(":", "'").replaceFirst("^D'", "D:") + "'";
        ascii("<</Title " + text(title) + "/Creator(sms-export)/Producer(sms-export)/CreationDate(" + date + ")/ModDate(" + date
                + ")>>\nendobj\n");
        String intents = "";
        if (archival) {
            byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
            fixedOffsets[ICC] = begin(ICC);
            flate.reset().finish(icc, icc.length);
            deflatedStream("/N 3");
            intents = "/OutputIntents[<</Type/OutputIntent/S/GTS_PDFA1/OutputConditionIdentifier(sRGB IEC61966-2.1)"
                    + "/Info(sRGB IEC61966-2.1)/DestOutputProfile " + ICC + " 0 R>>]";
        }
        fixedOffsets[CATALOG] = begin(CATALOG);
        ascii("<</Type/Catalog/Pages " + PAGES + " 0 R/Metadata " + METADATA + " 0 R/Lang " + text(language)
                + "/ViewerPreferences<</DisplayDocTitle true>>" + intents
                + (tagged ? "/StructTreeRoot " + STRUCT_ROOT + " 0 R/MarkInfo<</Marked true>>" : "") + ">>\nendobj\n");
        crossReferences();
        out.flush();
    }

    @Override
    protected void release() {
        flate.end();
    }

    /** A form holding one number (total pages or row count), drawn where page content placed its {@code Do}. */
    private void template(int object, float size, int widthEms, String number) throws IOException {
        scratch.clear();
        scratch.ascii("BT /F1 ").num(size).ascii("Tf 0.1 g 0 ").num(size / 2).ascii("Td <");
        for (int i = 0; i < number.length(); ) {
            int cp = number.codePointAt(i);
            i += Character.charCount(cp);
            scratch.hex4(regular.glyph(cp));
        }
        scratch.ascii(">Tj ET");
        fixedOffsets[object] = begin(object);
        ascii("<</Type/XObject/Subtype/Form/BBox[0 0 " + num(size * widthEms) + " " + num(size * 2) + "]/Resources<</Font<</F1 "
                + FONT_REGULAR + " 0 R>>>>/Length " + scratch.size() + ">>\nstream\n");
        out.write(scratch.buffer(), 0, scratch.size());
        ascii("\nendstream\nendobj\n");
    }

    /**
     * The cross-reference stream, written from the fixed offsets and the per-page numbers: rows of 8 bytes
     * (type, offset or object stream, generation or index), with the PNG "up" predictor, which makes the long
     * runs of objects in object streams compress to almost nothing.
     */
    private void crossReferences() throws IOException {
        int xref = nextObject;
        long xrefOffset = out.count;
        int size = xref + 1;
        // streamed through the deflater: a row per object, millions of them in a long tagged report
        ByteArrayOutputStream deflated = new ByteArrayOutputStream(64 * 1024);
        Deflater d = new Deflater(1);
        try (DeflaterOutputStream z = new DeflaterOutputStream(deflated, d, 64 * 1024)) {
            Rows rows = new Rows(z);
            rows.add(0, 0, 65535);
            for (int o = 1; o < fixedOffsets.length; o++) {
                long offset = fixedOffsets[o];
                if (offset > 0) {
                    rows.add(1, offset, 0);
                } else {
                    rows.add(0, 0, 0);
                }
            }
            for (int p = 0; p < pages; p++) {
                int base = pageBase[p];
                rows.add(1, pageOffsets[p * 3], 0);
                rows.add(1, pageOffsets[p * 3 + 1], 0);
                if (tagged) {
                    rows.add(1, pageOffsets[p * 3 + 2], 0);
                    for (int i = 0; i < pageStreamed[p]; i++) {
                        rows.add(2, base + 2, i);
                    }
                }
            }
            rows.add(1, xrefOffset, 0);
            rows.flush();
        } finally {
            d.end();
        }
        byte[] id = fileId();
        String hex = hex(id);
        begin(xref);
        ascii("<</Type/XRef/Size " + size + "/W[1 5 2]/Root " + CATALOG + " 0 R/Info " + INFO + " 0 R/ID[<" + hex + "><" + hex
                + ">]/Filter/FlateDecode/DecodeParms<</Columns 8/Predictor 12>>/Length " + deflated.size() + ">>\nstream\n");
        deflated.writeTo(out);
        ascii("\nendstream\nendobj\nstartxref\n" + xrefOffset + "\n%%EOF\n");
    }

    /** Rows of the cross-reference stream, each written as the difference to the row above (PNG "up"). */
    private static final class Rows {
        private final OutputStream out;
        private final byte[] previous = new byte[8];
        private final byte[] now = new byte[8];
        private final byte[] rows = new byte[9 * 8192];
        private int size;

        Rows(OutputStream out) {
            this.out = out;
        }

        void add(int type, long field2, int field3) throws IOException {
            now[0] = (byte) type;
            now[1] = (byte) (field2 >>> 32);
            now[2] = (byte) (field2 >>> 24);
            now[3] = (byte) (field2 >>> 16);
            now[4] = (byte) (field2 >>> 8);
            now[5] = (byte) field2;
            now[6] = (byte) (field3 >>> 8);
            now[7] = (byte) field3;
            rows[size++] = 2;
            for (int i = 0; i < 8; i++) {
                rows[size++] = (byte) (now[i] - previous[i]);
                previous[i] = now[i];
            }
            if (size == rows.length) {
                flush();
            }
        }

        void flush() throws IOException {
            out.write(rows, 0, size);
            size = 0;
        }
    }

    private byte[] fileId() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(title.getBytes(StandardCharsets.UTF_8));
            md.update(created.toString().getBytes(StandardCharsets.UTF_8));
            md.update(Long.toString(out.count).getBytes(StandardCharsets.US_ASCII));
            return Arrays.copyOf(md.digest(), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The XMP packet: title, dates, tool, and the PDF/A and PDF/UA identification. */
    private byte[] xmp() {
        String when = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(created);
        StringBuilder x = new StringBuilder(2048);
        x.append("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n")
                .append("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n")
                .append("<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"")
                .append(" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"");
        if (archival) {
            x.append(" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"");
        }
        if (tagged) {
            x.append(" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"");
        }
        x.append(">\n<dc:format>application/pdf</dc:format>\n<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">").append(xml(title))
                .append("</rdf:li></rdf:Alt></dc:title>\n<dc:language><rdf:Bag><rdf:li>").append(xml(language))
                .append("</rdf:li></rdf:Bag></dc:language>\n")
                .append("<xmp:CreateDate>").append(when).append("</xmp:CreateDate>\n<xmp:ModifyDate>").append(when)
                .append("</xmp:ModifyDate>\n<xmp:CreatorTool>sms-export</xmp:CreatorTool>\n<pdf:Producer>sms-export</pdf:Producer>\n");
        if (archival) {
            x.append("<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>").append(tagged ? "A" : "U").append("</pdfaid:conformance>\n");
        }
        if (tagged) {
            x.append("<pdfuaid:part>1</pdfuaid:part>\n");
        }
        x.append("</rdf:Description>\n");
        if (archival && tagged) {
            // PDF/A accepts properties outside its own list only when the file describes their schema
            x.append("<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"")
                    .append(" xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n")
                    .append("<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n")
                    .append("<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n")
                    .append("<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n")
                    .append("<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n")
                    .append("<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n")
                    .append("<pdfaProperty:name>part</pdfaProperty:name>\n<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n")
                    .append("<pdfaProperty:category>internal</pdfaProperty:category>\n")
                    .append("<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\n")
                    .append("</rdf:li></rdf:Seq></pdfaSchema:property>\n</rdf:li></rdf:Bag></pdfaExtension:schemas>\n</rdf:Description>\n");
        }
        x.append("</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
        return x.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String xml(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> b.append(org.smsexport.support.XmlText.plain(c) ? c : '\uFFFD');
            }
        }
        return b.toString();
    }

    /** A PDF text string: UTF-16BE with its byte-order mark, in hex. */
    static String text(String s) {
        StringBuilder b = new StringBuilder(s.length() * 4 + 6).append("<FEFF");
        for (int i = 0; i < s.length(); i++) {
            b.append(String.format(Locale.ROOT, "%04X", (int) s.charAt(i)));
        }
        return b.append('>').toString();
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            b.append(String.format(Locale.ROOT, "%02X", x & 0xFF));
        }
        return b.toString();
    }

    private static String num(float v) {
        return new Ops(16).num(v).toString().trim();
    }

    private long begin(int object) throws IOException {
        long at = out.count;
        ascii(object + " 0 obj\n");
        return at;
    }

    private void ascii(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * The rest of a stream object whose bytes {@link #flate} holds: its dictionary (these entries, the filter, the length),
     * the bytes, and its end.
     */
    private void deflatedStream(String entries) throws IOException {
        ascii("<<" + entries + "/Filter/FlateDecode/Length " + flate.size() + ">>\nstream\n");
        flate.writeTo(out);
        ascii("\nendstream\nendobj\n");
    }

    /** A font's glyphs in use and how it is written at the end: subset, widths, ToUnicode. */
    private final class Font {
        private final BaseFont font;
        private final java.util.TreeMap<Integer, int[]> used = new java.util.TreeMap<>();

        Font(BaseFont font) {
            this.font = font;
        }

        void use(String chars) {
            for (int i = 0; i < chars.length(); ) {
                int cp = chars.codePointAt(i);
                i += Character.charCount(cp);
                glyph(cp);
            }
        }

        int glyph(int cp) {
            int[] m = Glyphs.metrics(font, cp);
            if (m == null) {
                return 0;
            }
            used.putIfAbsent(m[0], new int[] {m[0], m[1], cp});
            return m[0];
        }

        void write(int first) throws IOException {
            byte[] subset = Glyphs.subset(font, used);
            String name = tag() + "+" + font.getPostscriptFontName();
            fixedOffsets[first] = begin(first);
            ascii("<</Type/Font/Subtype/Type0/BaseFont/" + name + "/Encoding/Identity-H/DescendantFonts[" + (first + 1) + " 0 R]/ToUnicode "
                    + (first + 4) + " 0 R>>\nendobj\n");
            fixedOffsets[first + 1] = begin(first + 1);
            StringBuilder w = new StringBuilder();
            for (int[] g : used.values()) {
                w.append(g[0]).append('[').append(g[1]).append(']');
            }
            ascii("<</Type/Font/Subtype/CIDFontType2/BaseFont/" + name + "/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>"
                    + "/FontDescriptor " + (first + 2) + " 0 R/DW 1000/W[" + w + "]/CIDToGIDMap/Identity>>\nendobj\n");
            fixedOffsets[first + 2] = begin(first + 2);
            ascii("<</Type/FontDescriptor/FontName/" + name + "/Flags 32/FontBBox[" + (int) font.getFontDescriptor(BaseFont.BBOXLLX, 1000)
                    + " " + (int) font.getFontDescriptor(BaseFont.BBOXLLY, 1000) + " " + (int) font.getFontDescriptor(BaseFont.BBOXURX, 1000)
                    + " " + (int) font.getFontDescriptor(BaseFont.BBOXURY, 1000) + "]/ItalicAngle "
                    + (int) font.getFontDescriptor(BaseFont.ITALICANGLE, 1000) + "/Ascent " + (int) font.getFontDescriptor(BaseFont.ASCENT, 1000)
                    + "/Descent " + (int) font.getFontDescriptor(BaseFont.DESCENT, 1000) + "/CapHeight "
                    + (int) font.getFontDescriptor(BaseFont.CAPHEIGHT, 1000) + "/StemV 80/FontFile2 " + (first + 3) + " 0 R>>\nendobj\n");
            fixedOffsets[first + 3] = begin(first + 3);
            flate.reset().finish(subset, subset.length);
            deflatedStream("/Length1 " + subset.length);
            byte[] cmap = toUnicode();
            fixedOffsets[first + 4] = begin(first + 4);
            flate.reset().finish(cmap, cmap.length);
            deflatedStream("");
        }

        /** Six capital letters that name this subset, from the glyphs in it (the same glyphs give the same name). */
        private String tag() {
            int h = used.keySet().hashCode() * 31 + font.getPostscriptFontName().hashCode();
            StringBuilder t = new StringBuilder(6);
            for (int i = 0; i < 6; i++) {
                t.append((char) ('A' + Math.floorMod(h, 26)));
                h = h / 26 + i * 7919;
            }
            return t.toString();
        }

        private byte[] toUnicode() {
            StringBuilder b = new StringBuilder(used.size() * 16 + 512);
            b.append("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n")
                    .append("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n")
                    .append("/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
            int[][] glyphs = used.values().toArray(new int[0][]);
            for (int from = 0; from < glyphs.length; from += 100) {
                int to = Math.min(glyphs.length, from + 100);
                b.append(to - from).append(" beginbfchar\n");
                for (int i = from; i < to; i++) {
                    b.append('<').append(String.format(Locale.ROOT, "%04X", glyphs[i][0])).append("> <");
                    for (char c : Character.toChars(glyphs[i][2])) {
                        b.append(String.format(Locale.ROOT, "%04X", (int) c));
                    }
                    b.append(">\n");
                }
                b.append("endbfchar\n");
            }
            b.append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
            return b.toString().getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** The output, counting bytes for the cross-reference offsets. */
    private static final class Counting extends OutputStream {
        private final OutputStream out;
        long count;

        Counting(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
