package io.skylift.migrator.drift;

import io.skylift.migrator.json.JsonWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One way the database differs from its reference.
 *
 * @param object kind and qualified name, e.g. {@code index public.items_sku_idx}
 * @param change whether the database gained, lost or changed the object
 * @param detail what changed, for an operator: the attributes (type, nullability, default, definition...) with their
 *               values before and after
 */
public record Difference(String object, Change change, String detail) implements JsonWriter.JsonWritable {

    /** How the object changed; its wire name is the lower-case name. */
    public enum Change {
        ADDED, REMOVED, CHANGED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Difference {
        Objects.requireNonNull(object, "object must not be null");
        Objects.requireNonNull(change, "change must not be null");
        Objects.requireNonNull(detail, "detail must not be null");
    }

    @Override
    public Map<String, Object> toJsonValue() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("object", object);
        json.put("change", change.wireName());
        json.put("detail", detail);
        return json;
    }
}
