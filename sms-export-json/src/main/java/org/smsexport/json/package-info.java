/** The {@code json} format: {@link org.smsexport.json.JsonExporter}. */
package org.smsexport.json;
