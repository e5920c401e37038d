package io.skylift.construct;

import io.skylift.contract.Metrics;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/**
 * Two alarms and, when asked for, a dashboard for the migrator.
 *
 * <ul>
 *   <li>{@code MigrationFailed}: the function's own metric, which it writes in CloudWatch's embedded metric
 *       format on every invocation (namespace {@value #NAMESPACE}, dimension {@code FunctionName}, 1 when the
 *       invocation failed). It is the only signal of a failed deploy: on the custom-resource path the function
 *       answers FAILED and returns normally, so Lambda counts no error.</li>
 *   <li>{@code Errors}: Lambda's own count, for failed direct invocations and crashes.</li>
 * </ul>
 * Both notify the alarm topic when one is given; the dashboard ({@code dashboard}, default off: one per tenant is a
 * choice) shows their state beside invocations, durations and migrations.
 */
public class MigratorMonitoring extends Construct {

    /** Namespace of the function's embedded metrics (the function's {@code InvocationLog.NAMESPACE}). */
    public static final String NAMESPACE = Metrics.NAMESPACE;

    /** The function's metric that is 1 for each failed invocation. */
    public static final String MIGRATION_FAILED = Metrics.MIGRATION_FAILED;

    /** The function's metric holding each command's duration in milliseconds. */
    public static final String MIGRATION_DURATION = Metrics.MIGRATION_DURATION;

    private static final Duration PERIOD = Duration.minutes(5);

    private final Alarm errorAlarm;
    private final Alarm migrationFailedAlarm;
    private final Dashboard dashboard;

    public MigratorMonitoring(Construct scope, String id, MigratorMonitoringProps props) {
        super(scope, id);
        Objects.requireNonNull(props, "props must not be null");
        IFunction function = props.getFunction();

        // Every failure is worth a look: a failed migration is a failed deploy, pipeline run or operator command.
        migrationFailedAlarm = Alarm.Builder.create(this, MIGRATION_FAILED)
                .alarmDescription("Skylift migrator " + function.getFunctionName() + ": a migration failed (a"
                        + " deploy, the pipeline step or an operator's command); the stack events or the log group"
                        + " name the failing migration")
                .metric(metric(function, MIGRATION_FAILED, "Sum", null))
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        errorAlarm = Alarm.Builder.create(this, "Errors")
                .alarmDescription("Skylift migrator " + function.getFunctionName()
                        + " failed: see its log group for the failing migration")
                .metric(function.metricErrors(sum()))
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        if (props.getAlarmTopic() != null) {
            SnsAction notify = new SnsAction(props.getAlarmTopic());
            for (Alarm alarm : List.of(migrationFailedAlarm, errorAlarm)) {
                alarm.addAlarmAction(notify);
            }
        }

        dashboard = !props.isDashboard() ? null : Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(props.getDashboardName())
                .widgets(List.of(
                        List.of(AlarmStatusWidget.Builder.create()
                                .title("Alarms")
                                .alarms(List.<IAlarm>of(migrationFailedAlarm, errorAlarm))
                                .width(24)
                                .build()),
                        List.of(
                                graph("Invocations and errors", List.of(
                                        function.metricInvocations(sum()), function.metricErrors(sum()))),
                                graph("Duration (ms)", List.of(
                                        function.metricDuration(MetricOptions.builder().period(PERIOD)
                                                .statistic("Maximum").build()),
                                        metric(function, MIGRATION_DURATION, "Maximum", null))),
                                graph("Migrations applied and failed", List.of(
                                        metric(function, Metrics.MIGRATIONS_APPLIED, "Sum", null),
                                        metric(function, MIGRATION_FAILED, "Sum", null))))))
                .build();
    }

    /** The alarm on Lambda's {@code Errors} of the function. */
    public Alarm getErrorAlarm() {
        return errorAlarm;
    }

    /** The alarm on the function's {@code MigrationFailed} metric. */
    public Alarm getMigrationFailedAlarm() {
        return migrationFailedAlarm;
    }

    /** The dashboard, or null when the props did not ask for one. */
    public Dashboard getDashboard() {
        return dashboard;
    }

    private static MetricOptions sum() {
        return MetricOptions.builder().period(PERIOD).statistic("Sum").build();
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(8).build();
    }

    /**
     * One of the function's own metrics, by {@code FunctionName} (the function names its metrics by
     * AWS_LAMBDA_FUNCTION_NAME, which Lambda sets to the function's name), over five minutes with {@code statistic}
     * unless {@code options} (may be null) say otherwise.
     */
    static Metric metric(IFunction function, String name, String statistic, MetricOptions options) {
        Metric metric = Metric.Builder.create()
                .namespace(NAMESPACE)
                .metricName(name)
                .dimensionsMap(Map.of(Metrics.FUNCTION_NAME_DIMENSION, function.getFunctionName()))
                .statistic(statistic)
                .period(PERIOD)
                .build();
        return options == null ? metric : metric.with(options);
    }

}
