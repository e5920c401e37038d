package io.skylift.migrator.invocation;

/** Who invoked the function: CloudFormation's custom resource, or anyone else with a command payload. */
public enum Caller {
    CLOUDFORMATION("cloudformation"),
    DIRECT("direct");

    private final String wireName;

    Caller(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the structured log line's {@code caller} field. */
    public String wireName() {
        return wireName;
    }
}
