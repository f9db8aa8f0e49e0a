package org.smsexport.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.smsexport.DuplicateTemplateException;
import org.smsexport.ExportRequest;
import org.smsexport.ExportTemplate;
import org.smsexport.spi.TemplateStore;

/**
 * A service's export templates ({@link ExportService#templates()}): saved and updated only after they are checked as a
 * request made from them would be, kept in the service's {@link TemplateStore}. Thread-safe.
 */
public final class ExportTemplates {

    private final TemplateStore store;
    private final ExportService exports;

    ExportTemplates(TemplateStore store, ExportService exports) {
        this.store = Objects.requireNonNull(store, "store");
        this.exports = exports;
    }

    /**
     * Stores a new template after checking it.
     *
     * @param template the template
     * @throws org.smsexport.InvalidRequestException naming every problem (type, format, filters, options, locale)
     * @throws DuplicateTemplateException when its owner has one of that name
     */
    public void save(ExportTemplate template) {
        check(template);
        if (store.find(template.owner(), template.name()).isPresent()) {
            throw new DuplicateTemplateException(template.owner(), template.name());
        }
        store.insert(template);
    }

    /**
     * Replaces a template after checking it.
     *
     * @param template the new values
     * @return whether there was one of that owner and name
     * @throws org.smsexport.InvalidRequestException naming every problem
     */
    public boolean update(ExportTemplate template) {
        check(template);
        return store.update(template);
    }

    /**
     * @param owner whose
     * @param name  its name
     * @return the template
     */
    public Optional<ExportTemplate> find(String owner, String name) {
        return store.find(owner, name);
    }

    /** @return every owner's templates, by owner then name */
    public List<ExportTemplate> all() {
        return store.list(null);
    }

    /**
     * @param owner whose
     * @return that owner's templates, by name
     */
    public List<ExportTemplate> list(String owner) {
        return store.list(Objects.requireNonNull(owner, "owner"));
    }

    /**
     * @param owner whose
     * @param name  its name
     * @return whether there was one
     */
    public boolean delete(String owner, String name) {
        return store.delete(owner, name);
    }

    /**
     * Checks a template as an export made from it would be checked. Under {@code EXPORT_REQUIRE_ENCRYPTION} an export
     * gives its password when it is made (templates never hold one), so the template is checked as if it had one: its
     * format must be one that can be encrypted.
     */
    private void check(ExportTemplate template) {
        ExportRequest.Builder r = ExportRequest.builder().template(template).owner(template.owner());
        if (exports.config().requireEncryption()) {
            r.option("password", "given-when-the-export-is-made");
        }
        exports.validate(r.build());
    }
}
