package org.smsexport.spi;

import java.util.List;
import java.util.Optional;
import org.smsexport.ExportTemplate;

/** Where export templates live: in memory by default, {@code JdbcTemplateStore} in a database. Thread-safe. */
public interface TemplateStore {

    /**
     * @param template a new template
     * @throws org.smsexport.DuplicateTemplateException when its owner has one of that name
     */
    void insert(ExportTemplate template);

    /**
     * @param owner whose
     * @param name  its name
     * @return the template
     */
    Optional<ExportTemplate> find(String owner, String name);

    /**
     * @param owner whose, or {@code null} for every owner's
     * @return the templates by owner, then name
     */
    List<ExportTemplate> list(String owner);

    /**
     * @param template the new values of an existing template (same owner and name)
     * @return whether there was one to replace
     */
    boolean update(ExportTemplate template);

    /**
     * @param owner whose
     * @param name  its name
     * @return whether one was deleted
     */
    boolean delete(String owner, String name);
}
