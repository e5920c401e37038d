package io.skylift.infra.monitoring;

import io.skylift.contract.Metrics;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.scheduler.CfnSchedule;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * A stage's daily drift check: an EventBridge Scheduler schedule invokes the stage's planner (read-only: its commands
 * and its database role) with {@value #PAYLOAD} every day at {@value #HOUR_UTC}:00 UTC, the planner writes its
 * {@value #METRIC} metric (the number of differences, 0 for none), and an alarm on that metric notifies the stage's
 * alarm topic.
 *
 * <p>The alarm keeps its state while no check runs (missing data is ignored): a drift found in the morning stays in
 * ALARM until a check finds none, whether the next day's or an operator's {@code {"command":"drift"}}. A check that
 * fails (the database unreachable, say) writes no {@value #METRIC}: it shows on a second alarm, on the planner's
 * {@code Errors}, which the migrator's alarms do not watch.
 */
public final class DriftWatch extends Construct {
    /** What the schedule sends: the read-only drift command. */
    public static final String PAYLOAD = "{\"command\":\"drift\"}";
    /** The function's metric (its {@code InvocationLog.SCHEMA_DRIFT}). */
    public static final String METRIC = Metrics.SCHEMA_DRIFT;
    /** Namespace of the function's metrics. */
    public static final String NAMESPACE = Metrics.NAMESPACE;
    /** When the check runs: early in the working day of most teams in Europe, before people change things. */
    public static final String HOUR_UTC = "6";

    private final CfnSchedule schedule;
    private final Alarm alarm;
    private final Alarm plannerErrorAlarm;

    /**
     * @param function   what the schedule invokes: the stage's planner
     * @param alarmTopic the stage's alarm topic, which the alarm notifies
     */
    public DriftWatch(Construct scope, String id, IFunction function, ITopic alarmTopic) {
        super(scope, id);
        Objects.requireNonNull(function, "function must not be null");
        Objects.requireNonNull(alarmTopic, "alarmTopic must not be null");
        // Its own role, allowed to invoke this one function (not its versions, as the L2 target's grant would be):
        // the schedule invokes the function by its ARN only.
        Role role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com"))
                .description("Skylift: lets the daily drift check invoke " + function.getFunctionName())
                .inlinePolicies(Map.of("InvokeForDrift", PolicyDocument.Builder.create()
                        .statements(java.util.List.of(PolicyStatement.Builder.create()
                                .actions(java.util.List.of("lambda:InvokeFunction"))
                                .resources(java.util.List.of(function.getFunctionArn()))
                                .build()))
                        .build()))
                .build();
        schedule = CfnSchedule.Builder.create(this, "Daily")
                .description("Skylift: the daily drift check of " + function.getFunctionName()
                        + " (read-only; the SchemaDrift alarm says when the schema differs from its migrations)")
                .scheduleExpression("cron(0 " + HOUR_UTC + " * * ? *)")
                .scheduleExpressionTimezone("UTC")
                .flexibleTimeWindow(CfnSchedule.FlexibleTimeWindowProperty.builder().mode("OFF").build())
                .state("ENABLED")
                .target(CfnSchedule.TargetProperty.builder()
                        .arn(function.getFunctionArn())
                        .roleArn(role.getRoleArn())
                        .input(PAYLOAD)
                        // The next day's check is the retry; an old check is worth nothing.
                        .retryPolicy(CfnSchedule.RetryPolicyProperty.builder()
                                .maximumRetryAttempts(0)
                                .maximumEventAgeInSeconds(3600)
                                .build())
                        .build())
                .build();
        alarm = Alarm.Builder.create(this, METRIC)
                .alarmDescription("Skylift: the schema of " + function.getFunctionName() + "'s database differs from"
                        + " what its migrations left (changed outside them). Run aws lambda invoke --payload '"
                        + PAYLOAD + "' for the differences; docs/behaviour.md, Drift")
                .metric(Metric.Builder.create()
                        .namespace(NAMESPACE)
                        .metricName(METRIC)
                        .dimensionsMap(Map.of(Metrics.FUNCTION_NAME_DIMENSION, function.getFunctionName()))
                        .statistic("Maximum")
                        .period(Duration.hours(1))
                        .build())
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.IGNORE)
                .build();
        alarm.addAlarmAction(new SnsAction(alarmTopic));
        alarm.addOkAction(new SnsAction(alarmTopic));
        plannerErrorAlarm = Alarm.Builder.create(this, "PlannerErrors")
                .alarmDescription("Skylift: " + function.getFunctionName() + " failed: the daily drift check (or a"
                        + " plan) could not answer, so drift may go unseen. Its log names the error code")
                .metric(function.metricErrors(MetricOptions.builder()
                        .statistic("Sum")
                        .period(Duration.hours(1))
                        .build()))
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        plannerErrorAlarm.addAlarmAction(new SnsAction(alarmTopic));
    }

    /** The daily schedule. */
    public CfnSchedule getSchedule() {
        return schedule;
    }

    /** The alarm on {@value #METRIC}. */
    public Alarm getAlarm() {
        return alarm;
    }

    /** The alarm on the planner's errors: a check that failed writes no {@value #METRIC}. */
    public Alarm getPlannerErrorAlarm() {
        return plannerErrorAlarm;
    }
}
