package io.skylift.migrator.invocation;

/**
 * Who invoked the function: CloudFormation's custom resource, anyone else with a command payload, or the image's task
 * mode.
 */
public enum Caller {
    CLOUDFORMATION("cloudformation"),
    DIRECT("direct"),
    /** The image started as an ECS task ({@code bootstrap task <command>}), outside Lambda. */
    TASK("task");

    private final String wireName;

    Caller(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the structured log line's {@code caller} field. */
    public String wireName() {
        return wireName;
    }
}
