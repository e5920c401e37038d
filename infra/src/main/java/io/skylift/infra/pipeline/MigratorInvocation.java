package io.skylift.infra.pipeline;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.PolicyStatement;

/** What every pipeline step that invokes a stage's migrator needs: the CLI's read timeout and the one permission. */
final class MigratorInvocation {

    private MigratorInvocation() {
    }

    /**
     * The AWS CLI's {@code READ_TIMEOUT} in seconds: the migrator may run for its whole timeout, plus a minute for the
     * call around it.
     */
    private static String readTimeoutSeconds(Duration functionTimeout) {
        return Integer.toString(functionTimeout.toSeconds().intValue() + 60);
    }

    /**
     * How the step's AWS CLI invokes the migrator: one attempt (a retried synchronous invoke would wait twice as long,
     * and run a migrate a second time), and a read timeout as long as the function may run.
     */
    static Map<String, String> cliEnvironment(Duration functionTimeout) {
        return Map.of("AWS_MAX_ATTEMPTS", "1", "READ_TIMEOUT", readTimeoutSeconds(functionTimeout));
    }

    /** Invoking this one function, nothing else. */
    static List<PolicyStatement> invokeOnly(String functionArn) {
        return List.of(PolicyStatement.Builder.create()
                .actions(List.of("lambda:InvokeFunction"))
                .resources(List.of(functionArn))
                .build());
    }
}
