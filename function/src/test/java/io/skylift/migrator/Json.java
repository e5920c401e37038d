package io.skylift.migrator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Jackson's mapper, for tests: they read what the function writes with an independent parser. The function itself
 * does not use Jackson's mapper (building it is a noticeable part of a cold start); it has
 * {@link io.skylift.migrator.json.JsonReader} and {@link io.skylift.migrator.json.JsonWriter}.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }
}
