package io.skylift.infra;

import io.skylift.infra.config.SkyliftSettings;
import io.skylift.infra.config.StageSettings;
import io.skylift.infra.nag.NagChecks;
import java.nio.file.Path;
import java.util.Objects;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stage;
import software.constructs.Construct;

/**
 * A deployable copy of Skylift ({@code Dev} or {@code Prod}): one {@link SkyliftStack}, checked
 * against cdk-nag's AWS Solutions rules.
 */
public final class SkyliftStage extends Stage {

    private final SkyliftStack stack;

    /**
     * @param id             construct id, also the prefix of the stage's artifacts: {@code Dev}, {@code Prod}
     * @param settings       all settings
     * @param stage          this stage's settings
     * @param imageDirectory the directory holding the migrator's {@code Dockerfile}
     */
    public SkyliftStage(Construct scope, String id, SkyliftSettings settings, StageSettings stage, Path imageDirectory) {
        super(scope, id);
        Objects.requireNonNull(settings, "settings must not be null");
        // Here, not later: the pipeline synthesizes the stage as soon as it is added.
        NagChecks.apply(this);
        stack = new SkyliftStack(this, "Skylift", new SkyliftStack.Props(settings, stage, imageDirectory));
    }

    /** The stage's stack. */
    public SkyliftStack getStack() {
        return stack;
    }

    /** The output holding the stage's migrator ARN. */
    public CfnOutput getMigratorArnOutput() {
        return stack.getMigratorArnOutput();
    }
}
