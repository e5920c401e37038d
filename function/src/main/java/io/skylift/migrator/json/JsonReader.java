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
 * exponent). The streaming parser, not Jackson's mapper: the mapper's construction is a noticeable part of a cold
 * start.
 *
 * <p>Jackson's own {@link StreamReadConstraints} bound what is read: objects and arrays nest at most
 * {@link #MAX_DEPTH} levels, numbers have at most {@link #MAX_NUMBER_LENGTH} characters, strings Jackson's default
 * (20 million characters, far above the 6 MB of a Lambda payload or the 64 KB of a secret). A payload of a few
 * kilobytes of {@code [} ends in a clear error, never in a {@link StackOverflowError} that nobody answers.
 */
public final class JsonReader {
    /** Deepest nesting of objects and arrays read; CloudFormation events, secrets and payloads use a handful. */
    public static final int MAX_DEPTH = 100;
    /** Longest number read, in characters: parsing a huge one costs time quadratic in its length. */
    public static final int MAX_NUMBER_LENGTH = 1000;
    /** The largest payload Lambda delivers (6 MB): nothing in one is over it, for {@link #stringMembers}. */
    private static final int PAYLOAD_LIMIT = 6 * 1024 * 1024;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH).build())
            .build();
    /** For {@link #stringMembers}, which neither recurses nor converts a number: Jackson skips what it does not keep. */
    private static final JsonFactory SKIMMING = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(PAYLOAD_LIMIT)
                    .maxNumberLength(PAYLOAD_LIMIT).maxStringLength(PAYLOAD_LIMIT).build())
            .build();

    private final JsonParser parser;

    private JsonReader(JsonParser parser) {
        this.parser = parser;
    }

    /**
     * @return the value of the document
     * @throws JsonSyntaxException with the line and column of the first error, also when the document is over one of
     *                             the limits
     */
    public static Object parse(String text) {
        Objects.requireNonNull(text, "text must not be null");
        return read(FACTORY, text, JsonReader::value);
    }

    /**
     * The string members of a top-level object, and of each of its object members their string members, by name;
     * everything else (other values, anything deeper) is skipped, whatever its depth or length, and only checked for
     * balanced brackets and well-formed strings. For documents that must be understood even when over the limits of
     * {@link #parse}, and of which only such members matter, like a CloudFormation event (whose properties are
     * strings), which must be answered or the stack waits for an hour.
     *
     * @return null when the document is not an object
     * @throws JsonSyntaxException when the document is not JSON
     */
    public static Map<String, Object> stringMembers(String text) {
        Objects.requireNonNull(text, "text must not be null");
        return read(SKIMMING, text, JsonReader::skim);
    }

    private Map<String, Object> skim() throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return null;
        }
        Map<String, Object> root = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                Map<String, Object> member = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String memberName = parser.currentName();
                    parser.nextToken();
                    keepString(member, memberName);
                }
                root.put(name, member);
            } else {
                keepString(root, name);
            }
        }
        return root;
    }

    /** Puts the current value under {@code name} when it is a string; skips it otherwise. */
    private void keepString(Map<String, Object> object, String name) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            object.put(name, parser.getText());
        } else {
            parser.skipChildren();
        }
    }

    private interface Read<T> {
        T from(JsonReader reader) throws IOException;
    }

    private static <T> T read(JsonFactory factory, String text, Read<T> read) {
        try (JsonParser parser = factory.createParser(text)) {
            JsonReader reader = new JsonReader(parser);
            try {
                if (parser.nextToken() == null) {
                    throw reader.error("Unexpected end of input");
                }
                T value = read.from(reader);
                if (parser.nextToken() != null) {
                    throw reader.error("Unexpected content after the end of the document");
                }
                return value;
            } catch (JsonProcessingException e) {
                // Jackson's own message without its excerpt of the input (the input may be a secret); a limit's
                // error has no location of its own.
                JsonLocation location = e.getLocation() == null ? parser.currentLocation() : e.getLocation();
                throw new JsonSyntaxException(e.getOriginalMessage(), location.getLineNr(), location.getColumnNr());
            }
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
        Map<String, Object> object = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            object.put(name, value());
        }
        return object;
    }

    private List<Object> array() throws IOException {
        List<Object> array = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == null) {
                throw error("Unexpected end of input in an array");
            }
            array.add(value());
        }
        return array;
    }

    private Object number(JsonToken token) throws IOException {
        return token == JsonToken.VALUE_NUMBER_FLOAT ? (Object) parser.getDoubleValue() : parser.getNumberValue();
    }

    private JsonSyntaxException error(String message) {
        JsonLocation location = parser.currentTokenLocation();
        return new JsonSyntaxException(message, location.getLineNr(), location.getColumnNr());
    }
}
