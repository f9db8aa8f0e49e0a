/**
 * What plugin authors implement: {@link org.smsexport.spi.DataSource}, {@link org.smsexport.spi.Exporter},
 * {@link org.smsexport.spi.Notifier}, {@link org.smsexport.spi.MetricsSink} and
 * {@link org.smsexport.spi.JobStore}. Providers are found with {@link java.util.ServiceLoader}: register
 * them both in {@code META-INF/services} and with {@code provides … with …} in {@code module-info.java}.
 */
package org.smsexport.spi;
