package io.skylift.migrator.json;

import java.util.Collection;
import java.util.Map;

/**
 * Writes plain Java values as compact JSON, byte for byte as Jackson's default mapper writes the same values:
 * {@link Map} (in its order) as an object, {@link Collection} as an array, {@link String}, {@link Number},
 * {@link Boolean} and {@code null}; {@link JsonWritable} values write themselves. Strings escape {@code "} and
 * backslash, and control characters as short ({@code \n}) or six-character unicode escapes; the rest is written as is.
 */
public final class JsonWriter {
    private JsonWriter() {
    }

    /** Values that know their JSON form (records of the function's answers). */
    public interface JsonWritable {
        /** This value as what {@link JsonWriter} writes: a map, a list or a scalar. */
        Object toJsonValue();
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String text -> string(out, text);
            case Boolean bool -> out.append(bool);
            case Double number when number.isNaN() || number.isInfinite() -> string(out, number.toString());
            case Number number -> out.append(number);
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(out, String.valueOf(entry.getKey()));
                    out.append(':');
                    write(out, entry.getValue());
                }
                out.append('}');
            }
            case Collection<?> list -> {
                out.append('[');
                boolean first = true;
                for (Object element : list) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(out, element);
                }
                out.append(']');
            }
            case JsonWritable writable -> write(out, writable.toJsonValue());
            default -> string(out, value.toString());
        }
    }

    private static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
