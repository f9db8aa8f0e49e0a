package org.smsexport.core.internal;

import org.smsexport.ExportQuery;
import org.smsexport.ExportRequest;
import org.smsexport.ExportType;
import org.smsexport.spi.DataSource;
import org.smsexport.spi.Exporter;

/**
 * A request checked against what the service has: its type, exporter, data source and typed query.
 *
 * @param request  the request as given
 * @param type     the export type
 * @param exporter the exporter of the requested format
 * @param source   the data source serving the type
 * @param query    the query, with typed filters (the limit is applied when the job runs)
 */
record Prepared(ExportRequest request, ExportType type, Exporter exporter, DataSource source, ExportQuery query) {
}
