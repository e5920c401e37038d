package io.skylift.migrator.cloudformation;

import io.skylift.migrator.invocation.CloudFormationRequest;

/**
 * The physical id answered for the migrated schema. It must not change across events: a different id makes
 * CloudFormation think the resource was replaced and send a Delete for the old one.
 */
final class PhysicalResourceIds {
    private PhysicalResourceIds() {
    }

    /** Update and Delete: the event's own id. Create (also a failed one): {@code <stack name>-<logical id>}. */
    public static String forRequest(CloudFormationRequest request) {
        String existing = request.event().getPhysicalResourceId();
        if (!"Create".equals(request.requestType()) && existing != null && !existing.isBlank()) {
            return existing;
        }
        return request.stackName() + "-" + request.event().getLogicalResourceId();
    }
}
