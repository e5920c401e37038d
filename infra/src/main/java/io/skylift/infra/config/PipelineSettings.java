package io.skylift.infra.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the pipeline lives and what it watches.
 *
 * @param account            pipeline account; empty (the default) = environment-agnostic, the account
 *                           {@code cdk deploy} runs with. Required when a stage names its own account
 * @param region             pipeline region; empty (the default) = environment-agnostic. Required when a
 *                           stage names its own region
 * @param repository         repository, {@code owner/name}; default {@value #DEFAULT_REPOSITORY}, a placeholder
 *                           that synthesizes but whose source action fails until it is set
 * @param branch             branch whose pushes run the pipeline; default {@value #DEFAULT_BRANCH}
 * @param connectionArn      ARN of an existing CodeStar (CodeConnections) connection; empty (the default) =
 *                           the pipeline stack creates one, which an administrator then completes in the console
 * @param connectionProvider provider of a connection the stack creates: {@code GitHub}, {@code Bitbucket} or
 *                           {@code GitLab}; default {@value #DEFAULT_CONNECTION_PROVIDER}
 */
public record PipelineSettings(
        Optional<String> account,
        Optional<String> region,
        String repository,
        String branch,
        Optional<String> connectionArn,
        String connectionProvider) {

    public static final String DEFAULT_REPOSITORY = "your-org/skylift";
    public static final String DEFAULT_BRANCH = "main";
    public static final String DEFAULT_CONNECTION_PROVIDER = "GitHub";

    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]{1,255}");
    private static final Pattern CONNECTION_ARN = Pattern.compile(
            "arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\\d{12}:connection/[A-Za-z0-9-]+");
    private static final List<String> PROVIDERS = List.of("GitHub", "Bitbucket", "GitLab");

    public PipelineSettings {
        Objects.requireNonNull(account, "account must not be null");
        Objects.requireNonNull(region, "region must not be null");
        Objects.requireNonNull(repository, "repository must not be null");
        Objects.requireNonNull(branch, "branch must not be null");
        Objects.requireNonNull(connectionArn, "connectionArn must not be null");
        Objects.requireNonNull(connectionProvider, "connectionProvider must not be null");
    }

    /** Whether {@link #repository()} is still the placeholder default. */
    public boolean repositoryIsPlaceholder() {
        return DEFAULT_REPOSITORY.equals(repository);
    }

    /** Reads the settings, each key falling back to its default. */
    public static PipelineSettings fromContext(ContextReader context) {
        String provider = context.string("connectionProvider", DEFAULT_CONNECTION_PROVIDER);
        String canonical = PROVIDERS.stream().filter(p -> p.equalsIgnoreCase(provider)).findFirst()
                .orElseThrow(() -> ContextReader.invalid("connectionProvider", provider,
                        "one of " + String.join(", ", PROVIDERS)));
        return new PipelineSettings(
                context.optionalMatching("pipelineAccount", StageSettings.ACCOUNT, "a 12-digit AWS account id"),
                context.optionalMatching("pipelineRegion", StageSettings.REGION, "an AWS region such as eu-west-1"),
                context.matching("repository", DEFAULT_REPOSITORY, REPOSITORY, "owner/name"),
                context.matching("branch", DEFAULT_BRANCH, BRANCH, "a branch name"),
                context.optionalMatching("connectionArn", CONNECTION_ARN,
                        "the ARN of a CodeStar connection (arn:aws:codestar-connections:REGION:ACCOUNT:connection/ID)"),
                canonical);
    }
}
