package org.smsexport.spring.boot;

import org.smsexport.core.ExportService;

/**
 * A host's last word on the {@link ExportService} the starter builds: every bean of this type is applied, in order,
 * after the starter's own settings and before the service starts — e.g. {@code b -> b.heartbeatInterval(…)} or a
 * job queue of the host's own.
 */
@FunctionalInterface
public interface ExportServiceCustomizer {

    /** @param builder the builder, with the starter's settings applied */
    void customize(ExportService.Builder builder);
}
