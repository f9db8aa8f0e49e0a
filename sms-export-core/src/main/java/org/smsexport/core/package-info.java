/**
 * The engine: {@link org.smsexport.core.ExportService} runs export requests as tracked jobs; with it come
 * {@link org.smsexport.core.ExportConfig} (configuration from properties or the environment),
 * {@link org.smsexport.core.InMemoryDataSource}, {@link org.smsexport.core.InMemoryJobStore} and
 * {@link org.smsexport.core.JsonlMetricsSink}.
 */
package org.smsexport.core;
