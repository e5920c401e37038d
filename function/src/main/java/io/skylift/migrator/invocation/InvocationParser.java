package io.skylift.migrator.invocation;

import io.skylift.migrator.failure.InvalidInvocationException;
import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import io.skylift.migrator.json.JsonReader;
import io.skylift.migrator.json.JsonSyntaxException;
import io.skylift.migrator.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the raw payload into an {@link Invocation}. A payload with {@code RequestType} is a CloudFormation
 * event; anything else is a direct request. Rejects what it cannot understand with a message that says how
 * to fix it, rather than guessing.
 */
public final class InvocationParser {
    private static final Logger LOG = LoggerFactory.getLogger(InvocationParser.class);
    private static final String USAGE = "send {\"command\": \"<" + Command.validNames().replace(", ", "|")
            + ">\"} with optional \"target\" and \"baselineVersion\" (plan and lint: optional \"migrations\","
            + " a list of {\"script\": \"V5__x.sql\", \"content\": \"...\"}, or \"migrationsGzip\", that list's JSON"
            + " gzip-compressed and base64-encoded)";
    private static final Set<String> DIRECT_FIELDS = Set.of("command", "target", "baselineVersion",
            ProvidedMigrationsReader.LIST_FIELD, ProvidedMigrationsReader.GZIP_FIELD);
    private static final List<String> CLOUDFORMATION_FIELDS =
            List.of("RequestType", "ResponseURL", "StackId", "RequestId", "LogicalResourceId");

    public Invocation parse(byte[] payload) {
        Map<String, Object> root = readTree(payload);
        if (root.containsKey("RequestType")) {
            return cloudFormation(root);
        }
        return direct(root);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readTree(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return new LinkedHashMap<>();
        }
        Object root;
        try {
            root = JsonReader.parse(text);
        } catch (JsonSyntaxException e) {
            root = cloudFormationEventOverLimits(text, e).orElseThrow(() -> new InvalidInvocationException(
                    "The payload is not valid JSON (" + e.getMessage() + " at line " + e.line() + ", column "
                    + e.column() + "): " + USAGE, e));
        }
        if (root == null) {
            return new LinkedHashMap<>();
        }
        if (!(root instanceof Map)) {
            throw new InvalidInvocationException("The payload is a JSON " + JsonReader.typeName(root).toLowerCase(Locale.ROOT)
                    + ", not an object: " + USAGE);
        }
        return (Map<String, Object>) root;
    }

    /**
     * A CloudFormation event must be answered, or the stack waits for an hour: when it is over the reader's limits
     * (deep in its properties, which the function does not read), its string fields and its properties' string
     * members, all that an event holds that the function reads, are read without the rest.
     */
    private static Optional<Map<String, Object>> cloudFormationEventOverLimits(String text, JsonSyntaxException error) {
        try {
            Map<String, Object> event = JsonReader.stringMembers(text);
            if (event != null && event.containsKey("RequestType")) {
                LOG.warn("The CloudFormation event is over the JSON reader's limits ({}); only its string fields and "
                        + "its properties' string members were read", error.getMessage());
                return Optional.of(event);
            }
        } catch (JsonSyntaxException notJsonEvenSo) {
            // the payload's own error is the one to report
        }
        return Optional.empty();
    }

    private static DirectRequest direct(Map<String, Object> root) {
        List<String> unknown = new ArrayList<>();
        root.keySet().forEach(name -> {
            if (!DIRECT_FIELDS.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw new InvalidInvocationException("Unknown field(s) " + unknown + " in the payload: " + USAGE);
        }
        Command command = Command.MIGRATE;
        Object commandNode = root.get("command");
        if (commandNode != null) {
            String name = commandNode instanceof String text ? text.trim() : JsonWriter.write(commandNode);
            command = Command.fromWireName(name).orElseThrow(() -> new InvalidInvocationException(
                    "Unknown command '" + name + "': valid commands are " + Command.validNames()));
        }
        return new DirectRequest(command, text(root, "target"), text(root, "baselineVersion"),
                ProvidedMigrationsReader.read(command, root.get(ProvidedMigrationsReader.LIST_FIELD),
                        root.get(ProvidedMigrationsReader.GZIP_FIELD)));
    }

    private static String text(Map<String, Object> root, String field) {
        Object node = root.get(field);
        if (node == null) {
            return null;
        }
        if (node instanceof Map || node instanceof List || JsonReader.text(node).isBlank()) {
            throw new InvalidInvocationException("\"" + field + "\" must be a version such as \"3\" or \"2.1\"");
        }
        return JsonReader.text(node).trim();
    }

    private static CloudFormationRequest cloudFormation(Map<String, Object> root) {
        List<String> missing = new ArrayList<>();
        for (String field : CLOUDFORMATION_FIELDS) {
            if (root.get(field) == null || JsonReader.text(root.get(field)).isBlank()) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInvocationException("The CloudFormation event lacks " + missing
                    + ": it cannot be answered");
        }
        CloudFormationCustomResourceEvent event = new CloudFormationCustomResourceEvent();
        event.setRequestType(JsonReader.text(root.get("RequestType")));
        event.setResponseUrl(JsonReader.text(root.get("ResponseURL")));
        event.setStackId(JsonReader.text(root.get("StackId")));
        event.setRequestId(JsonReader.text(root.get("RequestId")));
        event.setLogicalResourceId(JsonReader.text(root.get("LogicalResourceId")));
        event.setServiceToken(JsonReader.text(root.get("ServiceToken")));
        event.setResourceType(JsonReader.text(root.get("ResourceType")));
        event.setPhysicalResourceId(JsonReader.text(root.get("PhysicalResourceId")));
        event.setResourceProperties(map(root.get("ResourceProperties")));
        event.setOldResourceProperties(map(root.get("OldResourceProperties")));
        return new CloudFormationRequest(event);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map ? (Map<String, Object>) node : null;
    }
}
