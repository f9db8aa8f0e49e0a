package org.smsexport.ods;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.smsexport.Column;
import org.smsexport.ColumnType;
import org.smsexport.spi.ExportSchema;
import org.smsexport.support.XmlText;

/** The parts of an ODS package around the rows: the content's start and end, tables, styles, metadata, settings, manifest. */
final class Parts {

    private static final String NS = " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
            + " xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\""
            + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
            + " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""
            + " xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\""
            + " xmlns:number=\"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0\""
            + " xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\""
            + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
            + " xmlns:config=\"urn:oasis:names:tc:opendocument:xmlns:config:1.0\"";
    private static final String XML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    static final String TABLE_END = "</table:table>\n";
    static final String CONTENT_END = "</office:spreadsheet></office:body></office:document-content>\n";
    static final String MANIFEST = XML + "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">\n"
            + " <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.3\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\n"
            + " <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\n"
            + " <manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>\n"
            + " <manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>\n"
            + " <manifest:file-entry manifest:full-path=\"settings.xml\" manifest:media-type=\"text/xml\"/>\n"
            + "</manifest:manifest>\n";

    private Parts() {
    }

    /** @return the cell style of a column's values: dates, date-times and decimals of a scale have one; others none */
    static String cellStyle(Column c) {
        if (c.type() == ColumnType.DATE) {
            return "ceDate";
        }
        if (c.type() == ColumnType.DATETIME) {
            return "ceDateTime";
        }
        if (c.type() == ColumnType.DECIMAL && c.scale() >= 0) {
            return "ceD" + c.scale();
        }
        return null;
    }

    /** A column's width in characters: its header's, or what its values need, whichever is wider (at most 40). */
    private static int width(Column c, String label) {
        int values = switch (c.type()) {
            case INTEGER -> 8;
            case DECIMAL -> 10;
            case DATE -> 11;
            case DATETIME -> 19;
            case BOOLEAN -> 6;
            default -> 18;
        };
        return Math.min(40, Math.max(values, label.length() + 2));
    }

    static String contentStart(ExportSchema schema) {
        StringBuilder b = new StringBuilder(4096).append(XML).append("<office:document-content").append(NS).append(" office:version=\"1.3\">")
                .append("<office:automatic-styles>\n");
        b.append("<number:date-style style:name=\"NDate\"><number:year number:style=\"long\"/><number:text>-</number:text>")
                .append("<number:month number:style=\"long\"/><number:text>-</number:text><number:day number:style=\"long\"/></number:date-style>\n");
        b.append("<number:date-style style:name=\"NDateTime\"><number:year number:style=\"long\"/><number:text>-</number:text>")
                .append("<number:month number:style=\"long\"/><number:text>-</number:text><number:day number:style=\"long\"/><number:text> </number:text>")
                .append("<number:hours number:style=\"long\"/><number:text>:</number:text><number:minutes number:style=\"long\"/>")
                .append("<number:text>:</number:text><number:seconds number:style=\"long\"/></number:date-style>\n");
        b.append("<style:style style:name=\"ceDate\" style:family=\"table-cell\" style:data-style-name=\"NDate\"/>\n");
        b.append("<style:style style:name=\"ceDateTime\" style:family=\"table-cell\" style:data-style-name=\"NDateTime\"/>\n");
        for (int scale : OdsExporter.scales(schema)) {
            b.append("<number:number-style style:name=\"N").append(scale).append("\"><number:number number:decimal-places=\"").append(scale)
                    .append("\" number:min-decimal-places=\"").append(scale).append("\" number:min-integer-digits=\"1\"/></number:number-style>\n");
            b.append("<style:style style:name=\"ceD").append(scale).append("\" style:family=\"table-cell\" style:data-style-name=\"N").append(scale)
                    .append("\"/>\n");
        }
        b.append("<style:style style:name=\"ceHead\" style:family=\"table-cell\"><style:table-cell-properties fo:background-color=\"#")
                .append(schema.type().colour()).append("\"/><style:text-properties fo:font-weight=\"bold\" fo:color=\"#FFFFFF\"/></style:style>\n");
        for (int i = 0; i < schema.columns().size(); i++) {
            b.append("<style:style style:name=\"co").append(i).append("\" style:family=\"table-column\"><style:table-column-properties")
                    .append(" style:column-width=\"").append(String.format(Locale.ROOT, "%.2fcm", 0.21 * width(schema.columns().get(i), schema.labels().get(i)) + 0.2))
                    .append("\"/></style:style>\n");
        }
        b.append("<style:style style:name=\"ta1\" style:family=\"table\" style:master-page-name=\"Default\"><style:table-properties table:display=\"true\"/></style:style>\n");
        b.append("</office:automatic-styles><office:body><office:spreadsheet>\n");
        return b.toString();
    }

    /** A table's start: its columns and its header row, which prints on every page. */
    static String tableStart(ExportSchema schema, String name) {
        StringBuilder b = new StringBuilder(2048).append("<table:table table:name=\"");
        XmlText.append(b, name, 0, name.length());
        b.append("\" table:style-name=\"ta1\">\n");
        for (int i = 0; i < schema.columns().size(); i++) {
            b.append("<table:table-column table:style-name=\"co").append(i).append("\"/>");
        }
        b.append("\n<table:table-header-rows><table:table-row>");
        for (String label : schema.labels()) {
            b.append("<table:table-cell table:style-name=\"ceHead\" office:value-type=\"string\"><text:p>");
            XmlText.append(b, label, 0, label.length());
            b.append("</text:p></table:table-cell>");
        }
        return b.append("</table:table-row></table:table-header-rows>\n").toString();
    }

    /** The page: paper and orientation, the title in the header and "Page X of Y" in the footer. */
    static String styles(ExportSchema schema, boolean letter, boolean landscape) {
        double w = letter ? 21.59 : 21.0;
        double h = letter ? 27.94 : 29.7;
        String page = String.format(Locale.ROOT, "fo:page-width=\"%.2fcm\" fo:page-height=\"%.2fcm\" style:print-orientation=\"%s\"",
                landscape ? h : w, landscape ? w : h, landscape ? "landscape" : "portrait");
        StringBuilder title = new StringBuilder();
        XmlText.append(title, schema.title(), 0, schema.title().length());
        boolean greek = schema.locale().getLanguage().equals("el");
        return XML + "<office:document-styles" + NS + " office:version=\"1.3\"><office:styles>"
                + "<style:default-style style:family=\"table-cell\"><style:text-properties fo:font-size=\"10pt\"/></style:default-style>"
                + "</office:styles><office:automatic-styles><style:page-layout style:name=\"pm1\"><style:page-layout-properties " + page
                + " fo:margin=\"1.5cm\" style:scale-to-X=\"1\"/></style:page-layout></office:automatic-styles>"
                + "<office:master-styles><style:master-page style:name=\"Default\" style:page-layout-name=\"pm1\">"
                + "<style:header><text:p>" + title + "</text:p></style:header>"
                + "<style:footer><text:p>" + (greek ? "Σελίδα " : "Page ") + "<text:page-number>1</text:page-number>" + (greek ? " από " : " of ")
                + "<text:page-count>1</text:page-count></text:p></style:footer>"
                + "</style:master-page></office:master-styles></office:document-styles>\n";
    }

    static String meta(ExportSchema schema) {
        StringBuilder title = new StringBuilder();
        XmlText.append(title, schema.title(), 0, schema.title().length());
        String created = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(ZonedDateTime.ofInstant(schema.generatedAt(), schema.zone()).toLocalDateTime().withNano(0));
        return XML + "<office:document-meta" + NS + " office:version=\"1.3\"><office:meta><meta:generator>sms-export</meta:generator>"
                + "<dc:title>" + title + "</dc:title><dc:language>" + schema.locale().toLanguageTag() + "</dc:language>"
                + "<meta:creation-date>" + created + "</meta:creation-date></office:meta></office:document-meta>\n";
    }

    /** The header row frozen on every sheet (LibreOffice's view settings, which other readers ignore). */
    static String settings(List<String> sheets) {
        StringBuilder b = new StringBuilder(1024).append(XML).append("<office:document-settings").append(NS).append(" office:version=\"1.3\">")
                .append("<office:settings><config:config-item-set config:name=\"ooo:view-settings\"><config:config-item-map-indexed config:name=\"Views\">")
                .append("<config:config-item-map-entry><config:config-item config:name=\"ViewId\" config:type=\"string\">view1</config:config-item>")
                .append("<config:config-item-map-named config:name=\"Tables\">");
        for (String sheet : sheets) {
            b.append("<config:config-item-map-entry config:name=\"");
            XmlText.append(b, sheet, 0, sheet.length());
            b.append("\"><config:config-item config:name=\"VerticalSplitMode\" config:type=\"short\">2</config:config-item>")
                    .append("<config:config-item config:name=\"VerticalSplitPosition\" config:type=\"int\">1</config:config-item>")
                    .append("<config:config-item config:name=\"ActiveSplitRange\" config:type=\"short\">2</config:config-item>")
                    .append("<config:config-item config:name=\"PositionTop\" config:type=\"int\">0</config:config-item>")
                    .append("<config:config-item config:name=\"PositionBottom\" config:type=\"int\">1</config:config-item>")
                    .append("</config:config-item-map-entry>");
        }
        return b.append("</config:config-item-map-named></config:config-item-map-entry></config:config-item-map-indexed>")
                .append("</config:config-item-set></office:settings></office:document-settings>\n").toString();
    }
}
