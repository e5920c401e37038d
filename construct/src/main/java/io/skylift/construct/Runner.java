package io.skylift.construct;

/** What runs a target's command in a {@link MigrationWorkflow}. */
public enum Runner {
    /** The target's migrator function: at most 15 minutes (Lambda's limit), starts in about a second. */
    LAMBDA,
    /**
     * The same image as an ECS Fargate task ({@code bootstrap task <command>}): no time limit, starts in tens of
     * seconds (the image pull), billed per second with a one-minute minimum.
     */
    FARGATE
}
