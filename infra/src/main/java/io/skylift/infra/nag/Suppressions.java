package io.skylift.infra.nag;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import software.constructs.IConstruct;

/**
 * cdk-nag suppressions that always carry their reason: the only way this code base suppresses a rule.
 * A suppression applies to the construct and its children.
 */
public final class Suppressions {

    private static final int MIN_REASON_LENGTH = 20;

    private Suppressions() {
    }

    /**
     * Suppresses {@code ruleId} on {@code construct}.
     *
     * @param reason    why the finding does not apply or is accepted; at least 20 characters
     * @param appliesTo for granular rules (IAM4, IAM5): the findings suppressed, as cdk-nag prints them
     *                  ({@code Action::s3:List*}); none = every finding of the rule
     */
    public static void suppress(IConstruct construct, String ruleId, String reason, String... appliesTo) {
        add(construct, ruleId, reason, List.of((Object[]) appliesTo));
    }

    /**
     * Suppresses the findings of a granular rule that match regular expressions, for findings that
     * name generated logical ids ({@code Resource::<PipelineArtifactsBucketAEA9A052.Arn>/*}).
     *
     * @param regexes JavaScript regular expressions, written {@code /^...$/}
     */
    public static void suppressMatching(IConstruct construct, String ruleId, String reason, String... regexes) {
        if (regexes.length == 0) {
            throw new IllegalArgumentException("suppressMatching of " + ruleId + " needs at least one expression");
        }
        add(construct, ruleId, reason, Arrays.stream(regexes)
                .map(regex -> (Object) RegexAppliesTo.builder().regex(regex).build())
                .toList());
    }

    private static void add(IConstruct construct, String ruleId, String reason, List<Object> appliesTo) {
        Objects.requireNonNull(construct, "construct must not be null");
        Objects.requireNonNull(ruleId, "ruleId must not be null");
        if (reason == null || reason.strip().length() < MIN_REASON_LENGTH) {
            throw new IllegalArgumentException("A suppression of " + ruleId + " needs a reason of at least "
                    + MIN_REASON_LENGTH + " characters");
        }
        NagPackSuppression.Builder suppression = NagPackSuppression.builder().id(ruleId).reason(reason);
        if (!appliesTo.isEmpty()) {
            suppression.appliesTo(appliesTo);
        }
        NagSuppressions.addResourceSuppressions(construct, List.of(suppression.build()), true);
    }
}
