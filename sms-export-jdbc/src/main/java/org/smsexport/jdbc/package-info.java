/**
 * sms-export over JDBC: {@link org.smsexport.jdbc.SmsSchema} (the original SMS tables, names mappable),
 * {@link org.smsexport.jdbc.JdbcDataSource} (one streaming query per export, filters as bind parameters),
 * {@link org.smsexport.jdbc.JdbcJobStore} (jobs that survive a restart) and {@link org.smsexport.jdbc.SampleData}.
 */
package org.smsexport.jdbc;
