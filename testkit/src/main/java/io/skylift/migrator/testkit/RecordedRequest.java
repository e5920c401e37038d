package io.skylift.migrator.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as a local stand-in server received it.
 *
 * @param method  the HTTP method, as sent ({@code "PUT"})
 * @param uri     the request target: path and query string, exactly as sent (still percent-encoded)
 * @param headers every header, names looked up case-insensitively; values in the order received.
 *                Unmodifiable.
 * @param body    the body bytes (empty, never null, when there was none)
 */
public record RecordedRequest(String method, URI uri, Map<String, List<String>> headers, byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RecordedRequest {
        Objects.requireNonNull(method, "method must not be null");
        Objects.requireNonNull(uri, "uri must not be null");
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.merge(name, List.copyOf(values), RecordedRequest::concat));
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? new byte[0] : body.clone();
    }

    /** The body bytes; a copy, so the record stays immutable. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The first value of header {@code name} (any case), or empty when the request had none. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The path without the query string, decoded ({@code "/stack/response"}). */
    public String path() {
        return uri.getPath();
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The body parsed as JSON.
     *
     * @throws IllegalStateException when the body is not JSON, with the body in the message
     */
    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("request body is not JSON: " + bodyText(), e);
        }
    }

    @Override
    public String toString() {
        return method + " " + uri + " " + headers + " (" + body.length + " bytes)";
    }

    // Arrays compare by identity in a record's generated equals; compare the bytes instead.
    @Override
    public boolean equals(Object other) {
        return other instanceof RecordedRequest that
                && method.equals(that.method) && uri.equals(that.uri)
                && headers.equals(that.headers) && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, uri, headers, Arrays.hashCode(body));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
