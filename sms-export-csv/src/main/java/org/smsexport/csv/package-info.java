/** The {@code csv} format: {@link org.smsexport.csv.CsvExporter}, RFC 4180 CSV written with FastCSV. */
package org.smsexport.csv;
