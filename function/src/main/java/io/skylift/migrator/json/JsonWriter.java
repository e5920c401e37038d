package io.skylift.migrator.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Writes plain Java values as compact JSON with Jackson's streaming generator, as Jackson's default mapper writes the
 * same values: {@link Map} (in its order) as an object, {@link Collection} as an array, {@link String},
 * {@link Number}, {@link Boolean} and {@code null}; {@link JsonWritable} values write themselves; anything else as its
 * {@code toString()}.
 */
public final class JsonWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonWriter() {
    }

    /** Values that know their JSON form (records of the function's answers). */
    public interface JsonWritable {
        /** This value as what {@link JsonWriter} writes: a map, a list or a scalar. */
        Object toJsonValue();
    }

    public static String write(Object value) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator out, Object value) throws IOException {
        switch (value) {
            case null -> out.writeNull();
            case String text -> out.writeString(text);
            case Boolean bool -> out.writeBoolean(bool);
            case Integer number -> out.writeNumber(number);
            case Long number -> out.writeNumber(number);
            case Double number -> out.writeNumber(number);
            case Float number -> out.writeNumber(number);
            case BigInteger number -> out.writeNumber(number);
            case BigDecimal number -> out.writeNumber(number);
            case Short number -> out.writeNumber(number);
            case Number number -> out.writeNumber(number.toString());
            case Map<?, ?> map -> {
                out.writeStartObject();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.writeFieldName(String.valueOf(entry.getKey()));
                    write(out, entry.getValue());
                }
                out.writeEndObject();
            }
            case Collection<?> list -> {
                out.writeStartArray();
                for (Object element : list) {
                    write(out, element);
                }
                out.writeEndArray();
            }
            case JsonWritable writable -> write(out, writable.toJsonValue());
            default -> out.writeString(value.toString());
        }
    }
}
