package io.skylift.infra.migrator;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/**
 * An alarm on the migrator's errors and a small dashboard: invocations, errors, duration, and the
 * migrations the function reports through its embedded metrics (namespace {@value #NAMESPACE},
 * dimension {@code FunctionName}).
 */
public final class MigratorMonitoring extends Construct {

    /** Namespace of the function's embedded metrics. */
    public static final String NAMESPACE = "Skylift";

    private static final Duration PERIOD = Duration.minutes(5);

    private final Alarm errorAlarm;
    private final Dashboard dashboard;

    /**
     * @param function      the migrator
     * @param dashboardName name of the dashboard (unique in the account and region)
     */
    public MigratorMonitoring(Construct scope, String id, IFunction function, String dashboardName) {
        super(scope, id);
        Objects.requireNonNull(function, "function must not be null");
        Objects.requireNonNull(dashboardName, "dashboardName must not be null");

        // Every error is worth a look: a failed invocation is a failed migration, deploy or pipeline run.
        errorAlarm = Alarm.Builder.create(this, "Errors")
                .alarmDescription("Skylift migrator " + function.getFunctionName()
                        + " failed: see its log group for the failing migration")
                .metric(function.metricErrors(MetricOptions.builder().period(PERIOD).statistic("Sum").build()))
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();

        dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(dashboardName)
                .widgets(List.of(List.of(
                        graph("Invocations and errors", List.of(
                                function.metricInvocations(sum()), function.metricErrors(sum()))),
                        graph("Duration (ms)", List.of(
                                function.metricDuration(MetricOptions.builder().period(PERIOD).statistic("Maximum").build()),
                                skylift(function, "MigrationDuration", "Maximum"))),
                        graph("Migrations applied and failed", List.of(
                                skylift(function, "MigrationsApplied", "Sum"),
                                skylift(function, "MigrationFailed", "Sum"))))))
                .build();
    }

    /** The alarm on the function's errors. */
    public Alarm getErrorAlarm() {
        return errorAlarm;
    }

    /** The dashboard. */
    public Dashboard getDashboard() {
        return dashboard;
    }

    private static MetricOptions sum() {
        return MetricOptions.builder().period(PERIOD).statistic("Sum").build();
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(8).build();
    }

    private static Metric skylift(IFunction function, String name, String statistic) {
        return Metric.Builder.create()
                .namespace(NAMESPACE)
                .metricName(name)
                .dimensionsMap(Map.of("FunctionName", function.getFunctionName()))
                .statistic(statistic)
                .period(PERIOD)
                .build();
    }
}
