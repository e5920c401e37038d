package io.skylift.migrator.secrets;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Rehearses a {@code GetSecretValue} call without sending it: the SDK marshals, resolves the endpoint and signs a
 * request (the first call's one-time costs, about 100 ms of a cold start), and this interceptor stops it just
 * before it would go on the wire. Nothing reaches Secrets Manager, so a rehearsal reads no secret.
 */
final class DryRun implements ExecutionInterceptor {
    private static final ExecutionAttribute<Boolean> REHEARSAL = new ExecutionAttribute<>("skylift.rehearsal");
    private static final String NO_SECRET = "skylift-rehearsal-never-sent";

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(REHEARSAL))) {
            throw new Stopped();
        }
    }

    /** Runs the rehearsal on {@code client}, which must carry this interceptor. */
    static void rehearse(SecretsManagerClient client) {
        try {
            client.getSecretValue(r -> r.secretId(NO_SECRET)
                    .overrideConfiguration(o -> o.putExecutionAttribute(REHEARSAL, true)));
        } catch (Stopped expected) {
            // the request was ready to send: every one-time cost of the first call is paid
        } catch (RuntimeException ignored) {
            // a rehearsal that fails earlier (no region, no credentials) leaves the real call to report it
        }
    }

    /** Thrown only from a rehearsal; cheap, it carries no stack trace. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("rehearsal stopped before transmission", null, false, false);
        }
    }
}
