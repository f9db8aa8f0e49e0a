/**
 * Support code for plugin authors — not contracts to implement, but helpers the built-in formats use and a new one may:
 * {@link org.smsexport.support.Utf8Writer} (fast UTF-8 text), {@link org.smsexport.support.CellText} (values as text the
 * way every format writes them), {@link org.smsexport.support.FormulaGuard} (spreadsheet formula injection),
 * {@link org.smsexport.support.FormatOptions} (checking a format's options), {@link org.smsexport.support.Settings}
 * (reading {@code EXPORT_*} style settings with clear errors) and {@link org.smsexport.support.ExportThreads} (named
 * daemon threads). They are public API under the same compatibility rules as the SPI in {@code org.smsexport.spi}.
 */
package org.smsexport.support;
