package io.skylift.infra.nag;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import software.amazon.awscdk.Aspects;
import software.constructs.IConstruct;

/** Applies cdk-nag's AWS Solutions rules. */
public final class NagChecks {

    private NagChecks() {
    }

    /**
     * Checks every resource under {@code scope} against the AWS Solutions rules; an unsuppressed
     * error fails {@code cdk synth}. On a {@code Stage}, call this in its constructor: a pipeline
     * synthesizes a stage as soon as it is added, and an aspect added later checks nothing.
     */
    public static void apply(IConstruct scope) {
        Aspects.of(scope).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    }
}
