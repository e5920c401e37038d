package io.skylift.migrator.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads JSON text (RFC 8259) into plain Java values with Jackson's streaming parser: {@link Map} (insertion-ordered)
 * for objects, {@link List} for arrays, {@link String}, {@link Boolean}, {@code null}, and numbers as Jackson's untyped
 * reading makes them ({@link Integer}, else {@link Long}, else {@link BigInteger}; {@link Double} with a fraction or an
 * exponent). The streaming parser, not Jackson's mapper: the mapper's construction cost about 80 ms of a cold start.
 *
 * <p>Objects and arrays nest at most {@link #MAX_DEPTH} levels and numbers have at most {@link #MAX_NUMBER_LENGTH}
 * characters: a payload of a few kilobytes of {@code [} must end in a clear error (or, for
 * {@link #parseSkippingOverLimit}, in a null), never in a {@link StackOverflowError} that nobody answers. The parser's
 * own limits are lifted so that these are the ones that apply, and it skips over-limit parts without recursing.
 */
public final class JsonReader {
    /** Deepest nesting of objects and arrays read; CloudFormation events, secrets and payloads use a handful. */
    public static final int MAX_DEPTH = 100;
    /** Longest number read, in characters: parsing a huge one costs time quadratic in its length. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    /** Only this class's limits apply; the parser's are lifted (it skips deep parts iteratively). */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE).build())
            .build();

    private final JsonParser parser;
    private final boolean skipOverLimit;
    private int depth;

    private JsonReader(JsonParser parser, boolean skipOverLimit) {
        this.parser = parser;
        this.skipOverLimit = skipOverLimit;
    }

    /**
     * @return the value of the document
     * @throws JsonSyntaxException with the line and column of the first error, also when objects and arrays nest
     *                             deeper than {@link #MAX_DEPTH}
     */
    public static Object parse(String text) {
        return parse(text, false);
    }

    /**
     * Like {@link #parse(String)}, but what is over a limit is given as null: an object or array nested deeper than
     * {@link #MAX_DEPTH} (read past, checked only for balanced brackets and well-formed strings), a number longer
     * than {@link #MAX_NUMBER_LENGTH}. For documents whose such parts are never read, like the properties of a
     * CloudFormation event that must be answered all the same.
     */
    public static Object parseSkippingOverLimit(String text) {
        return parse(text, true);
    }

    private static Object parse(String text, boolean skipOverLimit) {
        Objects.requireNonNull(text, "text must not be null");
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonReader reader = new JsonReader(parser, skipOverLimit);
            if (parser.nextToken() == null) {
                throw reader.error("Unexpected end of input");
            }
            Object value = reader.value();
            if (parser.nextToken() != null) {
                throw reader.error("Unexpected content after the end of the document");
            }
            return value;
        } catch (JsonProcessingException e) {
            // Jackson's own message without its excerpt of the input (the input may be a secret).
            JsonLocation location = e.getLocation();
            throw new JsonSyntaxException(e.getOriginalMessage(), location == null ? 1 : location.getLineNr(),
                    location == null ? 1 : location.getColumnNr());
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /** {@code object}, {@code array}, {@code string}, {@code number}, {@code boolean} or {@code null}. */
    public static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "object";
        }
        if (value instanceof List) {
            return "array";
        }
        if (value instanceof String) {
            return "string";
        }
        return value instanceof Boolean ? "boolean" : "number";
    }

    /** A scalar as Jackson's {@code asText()} gives it; {@code ""} for objects and arrays, null for null. */
    public static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            return "";
        }
        return value.toString();
    }

    private Object value() throws IOException {
        JsonToken token = parser.currentToken();
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && depth >= MAX_DEPTH) {
            if (!skipOverLimit) {
                throw error("Objects and arrays nested deeper than " + MAX_DEPTH + " levels");
            }
            parser.skipChildren();
            return null;
        }
        return switch (token) {
            case START_OBJECT -> object();
            case START_ARRAY -> array();
            case VALUE_STRING -> parser.getText();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(token);
            default -> throw error("Unexpected token " + token + ": expected a value");
        };
    }

    private Map<String, Object> object() throws IOException {
        depth++;
        Map<String, Object> object = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            object.put(name, value());
        }
        depth--;
        return object;
    }

    private List<Object> array() throws IOException {
        depth++;
        List<Object> array = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == null) {
                throw error("Unexpected end of input in an array");
            }
            array.add(value());
        }
        depth--;
        return array;
    }

    private Object number(JsonToken token) throws IOException {
        if (parser.getTextLength() > MAX_NUMBER_LENGTH) {
            if (skipOverLimit) {
                return null;
            }
            throw error("A number longer than " + MAX_NUMBER_LENGTH + " characters");
        }
        return token == JsonToken.VALUE_NUMBER_FLOAT ? (Object) parser.getDoubleValue() : parser.getNumberValue();
    }

    private JsonSyntaxException error(String message) {
        JsonLocation location = parser.currentTokenLocation();
        return new JsonSyntaxException(message, location.getLineNr(), location.getColumnNr());
    }
}
