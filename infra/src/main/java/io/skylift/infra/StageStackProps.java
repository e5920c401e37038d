package io.skylift.infra;

import io.skylift.infra.config.SkyliftSettings;
import io.skylift.infra.config.StageSettings;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * What a stage's stacks are built from.
 *
 * @param settings       all settings
 * @param stage          the stage the stacks belong to
 * @param migrationsDirectory the folder of Flyway migrations baked into the migrator's image
 */
public record StageStackProps(SkyliftSettings settings, StageSettings stage, Path migrationsDirectory) {

    public StageStackProps {
        Objects.requireNonNull(settings, "settings must not be null");
        Objects.requireNonNull(stage, "stage must not be null");
        Objects.requireNonNull(migrationsDirectory, "migrationsDirectory must not be null");
    }

    /**
     * Stack properties in the stage's environment: its account and region when the context names them,
     * else environment-agnostic (both stacks of a stage always share one environment).
     */
    StackProps stackProps(String stackName, String description, boolean terminationProtection) {
        StackProps.Builder builder = StackProps.builder()
                .stackName(stackName)
                .description(description)
                .terminationProtection(terminationProtection);
        Optional<String> account = settings.accountOf(stage);
        Optional<String> region = settings.regionOf(stage);
        if (account.isPresent() || region.isPresent()) {
            builder.env(Environment.builder().account(account.orElse(null)).region(region.orElse(null)).build());
        }
        return builder.build();
    }
}
