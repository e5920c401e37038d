package io.skylift.construct;

import java.util.Objects;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/**
 * Makes the migration's custom resource depend on every other resource of its stack ({@code DependsOn}), so that
 * CloudFormation starts the migration only when everything else of the stack is in place, and nothing else of the
 * stack can fail, and cancel the stack, while it runs: a cancelled stack rolls back the function's network and
 * permissions under a migration that is still running.
 *
 * <p>Left out: other migrations (two would wait for each other), resources under a condition (a {@code DependsOn}
 * on one that is not created fails the template), CDK's metadata, and resources that already depend on the
 * migration through the construct tree. A resource that refers to the migration's attributes ({@code Fn::GetAtt
 * SchemaVersion}) must come after it and cannot be ordered this way: use the attributes in outputs or in another
 * stack.
 */
final class LastInStack implements IAspect {

    private final CfnResource migration;
    private final String stackPath;

    LastInStack(CfnResource migration) {
        this.migration = Objects.requireNonNull(migration, "migration must not be null");
        this.stackPath = Stack.of(migration).getNode().getPath();
    }

    @Override
    public void visit(IConstruct node) {
        if (!(node instanceof CfnResource resource) || isMigration(resource)
                || !Stack.of(resource).getNode().getPath().equals(stackPath)
                || resource.getCfnOptions().getCondition() != null
                || "AWS::CDK::Metadata".equals(resource.getCfnResourceType())
                || dependsOnTheMigration(resource)) {
            return;
        }
        migration.addResourceDependency(resource);
    }

    private boolean isMigration(CfnResource resource) {
        return resource.getNode().getPath().equals(migration.getNode().getPath())
                || SchemaMigration.RESOURCE_TYPE.equals(resource.getCfnResourceType());
    }

    /**
     * Whether {@code resource} waits for the migration (or a construct holding it) through the construct tree: a
     * dependency added to the resource or to any construct above it (an L2's {@code node.addDependency}).
     */
    private boolean dependsOnTheMigration(CfnResource resource) {
        String migrationPath = migration.getNode().getPath();
        return resource.getNode().getScopes().stream()
                .flatMap(scope -> scope.getNode().getDependencies().stream())
                .map(dependency -> dependency.getNode().getPath())
                .anyMatch(path -> migrationPath.equals(path) || migrationPath.startsWith(path + "/"));
    }
}
