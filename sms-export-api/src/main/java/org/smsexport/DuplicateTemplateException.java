package org.smsexport;

/** A template of that name exists for that owner already. */
public final class DuplicateTemplateException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    /**
     * @param owner whose
     * @param name  the name taken
     */
    public DuplicateTemplateException(String owner, String name) {
        super("Template '" + name + "' exists already for " + owner + "; choose another name, or change it.");
    }
}
