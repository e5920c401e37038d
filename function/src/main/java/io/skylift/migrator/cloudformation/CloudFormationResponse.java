package io.skylift.migrator.cloudformation;

import io.skylift.migrator.ResultStatus;
import io.skylift.migrator.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to a CloudFormation custom-resource event, as PUT to its {@code ResponseURL}.
 *
 * @param status             {@code SUCCESS} or {@code FAILED}, sent as CloudFormation spells it
 * @param reason             required on FAILED; shortened so the whole body fits CloudFormation's 4096 bytes
 * @param physicalResourceId never empty
 * @param data               values for {@code Fn::GetAtt}
 */
public record CloudFormationResponse(ResultStatus status, String reason, String physicalResourceId, String stackId,
                                     String requestId, String logicalResourceId, Map<String, String> data) {
    /** CloudFormation rejects larger answers. */
    public static final int MAX_BODY_BYTES = 4096;

    public CloudFormationResponse {
        Objects.requireNonNull(status, "status must not be null");
        if (status == ResultStatus.FAILED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a FAILED answer needs a reason");
        }
        if (physicalResourceId == null || physicalResourceId.isEmpty()) {
            throw new IllegalArgumentException("physicalResourceId must not be empty");
        }
        data = Map.copyOf(data);
    }

    /** The JSON body, at most {@link #MAX_BODY_BYTES} bytes: the reason is cut (never the ids) to fit. */
    public byte[] toJson() {
        byte[] body = render(reason);
        if (body.length <= MAX_BODY_BYTES) {
            return body;
        }
        // Escaping makes bytes and characters differ: search for the longest prefix of the reason that fits.
        int low = 0;
        int high = reason.length() - 1;
        byte[] best = render("…");
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int cut = Character.isLowSurrogate(reason.charAt(middle)) ? middle - 1 : middle;
            byte[] candidate = render(reason.substring(0, cut) + "…");
            if (candidate.length <= MAX_BODY_BYTES) {
                best = candidate;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return best;
    }

    private byte[] render(String fittedReason) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("Status", status.name());
        if (fittedReason != null) {
            json.put("Reason", fittedReason);
        }
        json.put("PhysicalResourceId", physicalResourceId);
        json.put("StackId", stackId);
        json.put("RequestId", requestId);
        json.put("LogicalResourceId", logicalResourceId);
        json.put("Data", new LinkedHashMap<>(data));
        return JsonWriter.write(json).getBytes(StandardCharsets.UTF_8);
    }
}
