package org.smsexport.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.smsexport.DuplicateTemplateException;
import org.smsexport.ExportTemplate;
import org.smsexport.spi.TemplateStore;

/** The default {@link TemplateStore}: templates in a map, gone when the process ends. Thread-safe. */
public final class InMemoryTemplateStore implements TemplateStore {

    private final ConcurrentMap<String, ExportTemplate> templates = new ConcurrentHashMap<>();

    /** Creates an empty store. */
    public InMemoryTemplateStore() {
    }

    private static String key(String owner, String name) {
        return owner + '\u0000' + name;
    }

    @Override
    public void insert(ExportTemplate t) {
        if (templates.putIfAbsent(key(t.owner(), t.name()), t) != null) {
            throw new DuplicateTemplateException(t.owner(), t.name());
        }
    }

    @Override
    public Optional<ExportTemplate> find(String owner, String name) {
        return Optional.ofNullable(templates.get(key(owner, name)));
    }

    @Override
    public List<ExportTemplate> list(String owner) {
        List<ExportTemplate> out = new ArrayList<>();
        for (ExportTemplate t : templates.values()) {
            if (owner == null || owner.equals(t.owner())) {
                out.add(t);
            }
        }
        out.sort(Comparator.comparing(ExportTemplate::owner).thenComparing(ExportTemplate::name));
        return List.copyOf(out);
    }

    @Override
    public boolean update(ExportTemplate t) {
        return templates.replace(key(t.owner(), t.name()), t) != null;
    }

    @Override
    public boolean delete(String owner, String name) {
        return templates.remove(key(owner, name)) != null;
    }
}
