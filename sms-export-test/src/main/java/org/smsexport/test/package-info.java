/**
 * Test kit for plugin authors: extend {@link org.smsexport.test.ExporterContract} to check an
 * {@link org.smsexport.spi.Exporter}; use {@link org.smsexport.sample.SmsData} for realistic rows and
 * {@link org.smsexport.test.RecordingContext} as an export context in tests.
 */
package org.smsexport.test;
