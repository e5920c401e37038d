package io.skylift.migrator.invocation;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skylift.migrator.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the raw payload into an {@link Invocation}. A payload with {@code RequestType} is a CloudFormation
 * event; anything else is a direct request. Rejects what it cannot understand with a message that says how
 * to fix it, rather than guessing.
 */
public final class InvocationParser {
    private static final String USAGE = "send {\"command\": \"<" + Command.validNames().replace(", ", "|")
            + ">\"} with optional \"target\" and \"baselineVersion\"";
    private static final Set<String> DIRECT_FIELDS = Set.of("command", "target", "baselineVersion");
    private static final List<String> CLOUDFORMATION_FIELDS =
            List.of("RequestType", "ResponseURL", "StackId", "RequestId", "LogicalResourceId");

    public Invocation parse(byte[] payload) {
        JsonNode root = readTree(payload);
        if (root.has("RequestType")) {
            return cloudFormation((ObjectNode) root);
        }
        return direct((ObjectNode) root);
    }

    private static JsonNode readTree(byte[] payload) {
        if (payload.length == 0 || new String(payload, StandardCharsets.UTF_8).isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvalidInvocationException("The payload is not valid JSON ("
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + "): " + USAGE, e);
        } catch (IOException e) {
            throw new InvalidInvocationException("The payload could not be read: " + e.getMessage(), e);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return Json.MAPPER.createObjectNode();
        }
        if (!root.isObject()) {
            throw new InvalidInvocationException("The payload is a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT)
                    + ", not an object: " + USAGE);
        }
        return root;
    }

    private static DirectRequest direct(ObjectNode root) {
        List<String> unknown = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (!DIRECT_FIELDS.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw new InvalidInvocationException("Unknown field(s) " + unknown + " in the payload: " + USAGE);
        }
        Command command = Command.MIGRATE;
        JsonNode commandNode = root.get("command");
        if (commandNode != null && !commandNode.isNull()) {
            String name = commandNode.isTextual() ? commandNode.asText().trim() : commandNode.toString();
            command = Command.fromWireName(name).orElseThrow(() -> new InvalidInvocationException(
                    "Unknown command '" + name + "': valid commands are " + Command.validNames()));
        }
        return new DirectRequest(command, text(root, "target"), text(root, "baselineVersion"));
    }

    private static String text(ObjectNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode() || node.asText().isBlank()) {
            throw new InvalidInvocationException("\"" + field + "\" must be a version such as \"3\" or \"2.1\"");
        }
        return node.asText().trim();
    }

    private static CloudFormationRequest cloudFormation(ObjectNode root) {
        List<String> missing = new ArrayList<>();
        for (String field : CLOUDFORMATION_FIELDS) {
            if (!root.hasNonNull(field) || root.get(field).asText().isBlank()) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInvocationException("The CloudFormation event lacks " + missing
                    + ": it cannot be answered");
        }
        CloudFormationCustomResourceEvent event = new CloudFormationCustomResourceEvent();
        event.setRequestType(root.get("RequestType").asText());
        event.setResponseUrl(root.get("ResponseURL").asText());
        event.setStackId(root.get("StackId").asText());
        event.setRequestId(root.get("RequestId").asText());
        event.setLogicalResourceId(root.get("LogicalResourceId").asText());
        event.setServiceToken(root.path("ServiceToken").asText(null));
        event.setResourceType(root.path("ResourceType").asText(null));
        event.setPhysicalResourceId(root.path("PhysicalResourceId").asText(null));
        event.setResourceProperties(map(root.get("ResourceProperties")));
        event.setOldResourceProperties(map(root.get("OldResourceProperties")));
        return new CloudFormationRequest(event);
    }

    private static Map<String, Object> map(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        return Json.MAPPER.convertValue(node, new TypeReference<Map<String, Object>>() { });
    }
}
