/** The {@code ods} format: {@link org.smsexport.ods.OdsExporter}. */
package org.smsexport.ods;
