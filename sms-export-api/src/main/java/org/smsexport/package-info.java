/**
 * The sms-export model: export types and their columns and filters, requests, jobs, outcomes,
 * metrics, and the {@link org.smsexport.ExportException} hierarchy.
 *
 * <p>Every type here is immutable and safe to share between threads.
 */
package org.smsexport;
