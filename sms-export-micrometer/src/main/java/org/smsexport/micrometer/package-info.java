/** {@link org.smsexport.micrometer.MicrometerMetricsSink}: sms-export's measurements in a Micrometer {@code MeterRegistry}. */
package org.smsexport.micrometer;
