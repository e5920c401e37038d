package io.skylift.migrator.invocation;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import java.util.Objects;

/**
 * A CloudFormation custom-resource event, validated: it has what an answer needs.
 *
 * @param event the event as CloudFormation sent it (aws-lambda-java-events' type)
 */
public record CloudFormationRequest(CloudFormationCustomResourceEvent event) implements Invocation {
    public CloudFormationRequest {
        Objects.requireNonNull(event, "event must not be null");
    }

    public String requestType() {
        return event.getRequestType();
    }

    /** The stack's name, from its ARN {@code arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>}. */
    public String stackName() {
        String[] parts = event.getStackId().split("/");
        return parts.length >= 2 ? parts[1] : event.getStackId();
    }
}
