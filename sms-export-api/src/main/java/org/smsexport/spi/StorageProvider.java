package org.smsexport.spi;

import java.nio.file.Path;
import java.util.Map;

/**
 * Creates an {@link ExportStorage} from settings when {@code EXPORT_STORAGE} names it. Found with
 * {@link java.util.ServiceLoader}; {@code sms-export-s3} provides {@code s3}.
 */
public interface StorageProvider {

    /** @return the name {@code EXPORT_STORAGE} selects it by, e.g. {@code s3} */
    String name();

    /**
     * @param settings        the service's settings (the environment unless the host passed others), read with
     *                        {@link org.smsexport.support.Settings}
     * @param outputDirectory the service's output directory, where files are written before they are published
     * @return the storage
     * @throws org.smsexport.InvalidRequestException naming every bad or missing setting
     */
    ExportStorage create(Map<String, String> settings, Path outputDirectory);
}
