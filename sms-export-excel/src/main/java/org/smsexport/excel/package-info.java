/** The {@code xlsx} format: {@link org.smsexport.excel.XlsxExporter}, streaming XLSX built with Apache POI. */
package org.smsexport.excel;
