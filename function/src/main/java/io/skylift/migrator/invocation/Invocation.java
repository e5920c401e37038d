package io.skylift.migrator.invocation;

/** What the function was asked to do: answer a CloudFormation event, or run a command for a direct caller. */
public sealed interface Invocation permits CloudFormationRequest, DirectRequest {
}
