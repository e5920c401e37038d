package io.skylift.migrator;

import io.skylift.migrator.failure.ErrorCode;
import java.util.Objects;

/** How a direct request ended: the caller's result, or the failure's code and its redacted message. */
public sealed interface DirectOutcome {

    /** @param resultJson the direct invocation's result, one JSON object */
    record Succeeded(String resultJson) implements DirectOutcome {
        public Succeeded {
            Objects.requireNonNull(resultJson, "resultJson must not be null");
        }
    }

    /**
     * @param command the command asked for ({@code migrate} when none was named), null when the request could not be
     *                read
     * @param code    what kind of failure
     * @param reason  what failed and what to do, free of secrets
     */
    record Failed(String command, ErrorCode code, String reason) implements DirectOutcome {
        public Failed {
            Objects.requireNonNull(code, "code must not be null");
            Objects.requireNonNull(reason, "reason must not be null");
        }
    }
}
