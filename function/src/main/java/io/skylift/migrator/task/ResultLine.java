package io.skylift.migrator.task;

import io.skylift.migrator.DirectOutcome;
import io.skylift.migrator.json.JsonWriter;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The task's one line of standard output: the direct invocation's result, or on failure {@code command},
 * {@code success: false}, {@code errorCode} and {@code reason}. Written at most once, whichever thread comes first (the
 * command's, or the SIGTERM hook's when the command does not wind down in time), so a reader always finds exactly one.
 */
final class ResultLine {
    private final PrintStream out;
    private boolean written;

    ResultLine(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out must not be null");
    }

    /** @return whether this call wrote the line (false when it had been written already) */
    synchronized boolean write(DirectOutcome outcome) {
        if (written) {
            return false;
        }
        written = true;
        out.println(render(outcome));
        out.flush();
        return true;
    }

    static String render(DirectOutcome outcome) {
        return switch (outcome) {
            case DirectOutcome.Succeeded succeeded -> succeeded.resultJson().strip();
            case DirectOutcome.Failed failed -> {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("command", failed.command());
                json.put("success", false);
                json.put("errorCode", failed.code().name());
                json.put("reason", failed.reason());
                yield JsonWriter.write(json);
            }
        };
    }
}
