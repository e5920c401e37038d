package io.skylift.construct;

import java.util.Objects;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;

/** Properties of {@link MigratorMonitoring}. Required: {@code function}. */
public final class MigratorMonitoringProps {

    private final IFunction function;
    private final boolean dashboard;
    private final String dashboardName;
    private final ITopic alarmTopic;

    private MigratorMonitoringProps(Builder builder) {
        function = Objects.requireNonNull(builder.function, "function must not be null");
        dashboardName = builder.dashboardName;
        dashboard = builder.dashboard == null ? dashboardName != null : builder.dashboard;
        alarmTopic = builder.alarmTopic;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The migrator. */
    public IFunction getFunction() {
        return function;
    }

    /** Whether there is a dashboard; default false, true when {@code dashboardName} is given. */
    public boolean isDashboard() {
        return dashboard;
    }

    /** The dashboard's name; null (the default) lets CloudFormation name it. */
    public String getDashboardName() {
        return dashboardName;
    }

    /** The topic both alarms notify; null (the default) leaves the alarms without actions. */
    public ITopic getAlarmTopic() {
        return alarmTopic;
    }

    /** Builds {@link MigratorMonitoringProps}. */
    public static final class Builder {
        private IFunction function;
        private Boolean dashboard;
        private String dashboardName;
        private ITopic alarmTopic;

        private Builder() {
        }

        /** Adds the dashboard; default false (true when {@code dashboardName} is given). */
        public Builder dashboard(Boolean value) {
            dashboard = value;
            return this;
        }

        /** The migrator (required). */
        public Builder function(IFunction value) {
            function = value;
            return this;
        }

        /** The dashboard's name (unique in the account and region); default generated. */
        public Builder dashboardName(String value) {
            dashboardName = value;
            return this;
        }

        /** The topic both alarms notify; default none. */
        public Builder alarmTopic(ITopic value) {
            alarmTopic = value;
            return this;
        }

        public MigratorMonitoringProps build() {
            return new MigratorMonitoringProps(this);
        }
    }
}
