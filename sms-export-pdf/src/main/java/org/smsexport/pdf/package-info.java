/**
 * The {@code pdf} format: {@link org.smsexport.pdf.PdfExporter}, printable reports on OpenPDF with DejaVu Sans
 * bundled and embedded as a subset, the header row on every page and "Page X of Y", streamed page by page.
 * Discovered through {@code ServiceLoader}; add the jar and request format {@code pdf}.
 */
package org.smsexport.pdf;
