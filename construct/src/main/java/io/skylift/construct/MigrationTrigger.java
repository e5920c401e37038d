package io.skylift.construct;

/** When CloudFormation has the migrator migrate. */
public enum MigrationTrigger {

    /**
     * On every deploy: the custom resource carries the deploy's {@code DeployId}, so each deploy is an Update that
     * migrates, and a rollback Update (earlier {@code DeployId}) is answered without migrating.
     */
    EVERY_DEPLOY,

    /**
     * Only when the migrations folder's content changes: the custom resource carries no {@code DeployId} and its
     * logical id holds a digest of the migrations ({@link MigrationsDigest}). Unchanged migrations give an identical
     * resource (no event); changed ones make CloudFormation create a new resource (Create migrates) and delete the old
     * one at cleanup (Delete touches nothing). A rollback deletes the new resource: no Update with old properties ever
     * reaches the function for a migration change.
     */
    MIGRATIONS_CHANGE,

    /**
     * Never during a deploy: no custom resource. Another caller migrates: the pipeline's post-deploy step or an operator,
     * typically through a {@link MigrationWorkflow} whose Fargate task has no 15-minute limit (a deploy's custom
     * resource cannot wait longer than CloudFormation's hour, nor a Lambda function than 15 minutes). The schema
     * version and migrations applied are then not attributes of the stack.
     */
    NEVER
}
