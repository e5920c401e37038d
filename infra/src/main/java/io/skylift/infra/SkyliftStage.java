package io.skylift.infra;

import io.skylift.infra.config.SkyliftSettings;
import io.skylift.infra.config.StageSettings;
import io.skylift.infra.nag.NagChecks;
import java.nio.file.Path;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stage;
import software.constructs.Construct;

/**
 * A deployable copy of Skylift ({@code Dev} or {@code Prod}): a {@link DataStack} (network, cluster, secrets)
 * and a {@link MigratorStack} that depends on it, both checked against cdk-nag's AWS Solutions rules.
 */
public final class SkyliftStage extends Stage {

    private final DataStack data;
    private final MigratorStack migrator;

    /**
     * @param id             construct id, also the prefix of the stage's artifacts: {@code Dev}, {@code Prod}
     * @param settings       all settings
     * @param stage          this stage's settings
     * @param migrationsDirectory the folder of Flyway migrations baked into the migrator's image
     */
    public SkyliftStage(Construct scope, String id, SkyliftSettings settings, StageSettings stage,
            Path migrationsDirectory) {
        super(scope, id);
        StageStackProps props = new StageStackProps(settings, stage, migrationsDirectory);
        // Here, not later: the pipeline synthesizes the stage as soon as it is added.
        NagChecks.apply(this);
        data = new DataStack(this, "Data", props);
        migrator = new MigratorStack(this, "Migrator", props, data);
    }

    /** The stage's network, cluster and secrets. */
    public DataStack getData() {
        return data;
    }

    /** The stage's migrator, custom resource and monitoring. */
    public MigratorStack getMigrator() {
        return migrator;
    }

    /** The output holding the stage's migrator ARN. */
    public CfnOutput getMigratorArnOutput() {
        return migrator.getMigratorArnOutput();
    }
}
