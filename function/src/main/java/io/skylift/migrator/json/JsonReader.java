package io.skylift.migrator.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads JSON text (RFC 8259) into plain Java values: {@link Map} (insertion-ordered) for objects, {@link List} for
 * arrays, {@link String}, {@link Boolean}, {@code null}, and numbers as Jackson's untyped reading makes them
 * ({@link Integer}, else {@link Long}, else {@link BigInteger}; {@link Double} with a fraction or an exponent).
 *
 * <p>The function reads small documents (events, secrets, API answers) once per invocation; this reader costs
 * nothing to start, where building Jackson's mapper took about 80 ms of every cold start.
 *
 * <p>Objects and arrays nest at most {@link #MAX_DEPTH} levels and numbers have at most {@link #MAX_NUMBER_LENGTH}
 * characters (Jackson has the same kind of limits): the reader recurses per level, and a payload of a few
 * kilobytes of {@code [} must end in a clear error, not a {@link StackOverflowError} that nobody answers.
 */
public final class JsonReader {
    /** Deepest nesting of objects and arrays read; CloudFormation events, secrets and payloads use a handful. */
    public static final int MAX_DEPTH = 100;
    /** Longest number read, in characters: parsing a huge one costs time quadratic in its length. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    private final String text;
    private final boolean skipOverLimit;
    private int position;
    private int depth;

    private JsonReader(String text, boolean skipOverLimit) {
        this.text = text;
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
        JsonReader reader = new JsonReader(text, skipOverLimit);
        reader.skipWhitespace();
        Object value = reader.value();
        reader.skipWhitespace();
        if (reader.position < text.length()) {
            throw reader.error("Unexpected content after the end of the document");
        }
        return value;
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

    private Object value() {
        if (position >= text.length()) {
            throw error("Unexpected end of input");
        }
        char c = text.charAt(position);
        if ((c == '{' || c == '[') && depth >= MAX_DEPTH) {
            if (!skipOverLimit) {
                throw error("Objects and arrays nested deeper than " + MAX_DEPTH + " levels");
            }
            skipComposite();
            return null;
        }
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("Unexpected character '" + c + "': expected a value");
            }
        };
    }

    private Map<String, Object> object() {
        depth++;
        Map<String, Object> object = readObject();
        depth--;
        return object;
    }

    private Map<String, Object> readObject() {
        Map<String, Object> object = new LinkedHashMap<>();
        position++;
        skipWhitespace();
        if (peek() == '}') {
            position++;
            return object;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("Expected a field name in double quotes");
            }
            String name = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            object.put(name, value());
            skipWhitespace();
            char next = peek();
            position++;
            if (next == '}') {
                return object;
            }
            if (next != ',') {
                position--;
                throw error("Expected ',' or '}' in an object");
            }
        }
    }

    private List<Object> array() {
        depth++;
        List<Object> array = readArray();
        depth--;
        return array;
    }

    private List<Object> readArray() {
        List<Object> array = new ArrayList<>();
        position++;
        skipWhitespace();
        if (peek() == ']') {
            position++;
            return array;
        }
        while (true) {
            skipWhitespace();
            array.add(value());
            skipWhitespace();
            char next = peek();
            position++;
            if (next == ']') {
                return array;
            }
            if (next != ',') {
                position--;
                throw error("Expected ',' or ']' in an array");
            }
        }
    }

    private String string() {
        position++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw error("Unexpected end of input in a string");
            }
            char c = text.charAt(position++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                if (position >= text.length()) {
                    throw error("Unexpected end of input in a string");
                }
                char escaped = text.charAt(position++);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (position + 4 > text.length()) {
                            throw error("Unexpected end of input in a \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                        } catch (NumberFormatException e) {
                            throw error("Invalid \\u escape");
                        }
                        position += 4;
                    }
                    default -> {
                        position--;
                        throw error("Invalid escape '\\" + escaped + "'");
                    }
                }
            } else if (c < 0x20) {
                position--;
                throw error("Unescaped control character in a string");
            } else {
                out.append(c);
            }
        }
    }

    private Object number() {
        int start = position;
        if (peek() == '-') {
            position++;
        }
        boolean integral = true;
        digits();
        if (position < text.length() && text.charAt(position) == '.') {
            integral = false;
            position++;
            digits();
        }
        if (position < text.length() && (text.charAt(position) == 'e' || text.charAt(position) == 'E')) {
            integral = false;
            position++;
            if (position < text.length() && (text.charAt(position) == '+' || text.charAt(position) == '-')) {
                position++;
            }
            digits();
        }
        if (position - start > MAX_NUMBER_LENGTH) {
            if (skipOverLimit) {
                return null;
            }
            position = start;
            throw error("A number longer than " + MAX_NUMBER_LENGTH + " characters");
        }
        String number = text.substring(start, position);
        if (!integral) {
            return Double.parseDouble(number);
        }
        BigInteger value = new BigDecimal(number).toBigIntegerExact();
        if (value.bitLength() < 32) {
            return value.intValue();
        }
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    /** Reads past one object or array without recursing: brackets must balance, strings must be well formed. */
    private void skipComposite() {
        int open = 0;
        do {
            char c = peek();
            if (c == '"') {
                string();
                continue;
            }
            if (c == '{' || c == '[') {
                open++;
            } else if (c == '}' || c == ']') {
                open--;
            }
            position++;
        } while (open > 0);
    }

    private void digits() {
        int start = position;
        while (position < text.length() && text.charAt(position) >= '0' && text.charAt(position) <= '9') {
            position++;
        }
        if (position == start) {
            throw error("Expected a digit");
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, position)) {
            throw error("Unexpected token: expected '" + word + "'");
        }
        position += word.length();
        return value;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("Expected '" + c + "'");
        }
        position++;
    }

    private char peek() {
        if (position >= text.length()) {
            throw error("Unexpected end of input");
        }
        return text.charAt(position);
    }

    private void skipWhitespace() {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            position++;
        }
    }

    private JsonSyntaxException error(String message) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(position, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new JsonSyntaxException(message, line, column);
    }
}
