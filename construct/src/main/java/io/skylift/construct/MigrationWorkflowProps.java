package io.skylift.construct;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Properties of {@link MigrationWorkflow}. Required: {@code targets} (at least one). Checked when built: a message names
 * the property, the value and what is expected.
 */
public final class MigrationWorkflowProps {
    /** Default: targets migrated at once after the canaries. */
    public static final int DEFAULT_MAX_CONCURRENCY = 10;
    /** Default Fargate task size: 1 vCPU. */
    public static final int DEFAULT_TASK_CPU = 1024;
    /** Default Fargate task memory: 2 GB. */
    public static final int DEFAULT_TASK_MEMORY_MB = 2048;

    private final List<MigrationTarget> targets;
    private final int maxConcurrency;
    private final int toleratedFailurePercentage;
    private final int taskCpu;
    private final int taskMemoryMiB;
    private final RetentionDays logRetention;

    private MigrationWorkflowProps(Builder b) {
        targets = List.copyOf(Objects.requireNonNull(b.targets, "targets must not be null: name at least one"));
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets must name at least one database");
        }
        Set<String> names = targets.stream().map(MigrationTarget::name).collect(Collectors.toSet());
        if (names.size() != targets.size()) {
            throw new IllegalArgumentException("targets must have distinct names, got "
                    + targets.stream().map(MigrationTarget::name).toList());
        }
        maxConcurrency = b.maxConcurrency == null ? DEFAULT_MAX_CONCURRENCY : b.maxConcurrency;
        if (maxConcurrency < 1 || maxConcurrency > 10_000) {
            throw new IllegalArgumentException("maxConcurrency must be from 1 to 10000 (a Distributed Map's limit), was "
                    + maxConcurrency);
        }
        toleratedFailurePercentage = b.toleratedFailurePercentage == null ? 0 : b.toleratedFailurePercentage;
        if (toleratedFailurePercentage < 0 || toleratedFailurePercentage > 100) {
            throw new IllegalArgumentException("toleratedFailurePercentage must be from 0 to 100, was "
                    + toleratedFailurePercentage);
        }
        taskCpu = b.taskCpu == null ? DEFAULT_TASK_CPU : b.taskCpu;
        taskMemoryMiB = b.taskMemoryMiB == null ? DEFAULT_TASK_MEMORY_MB : b.taskMemoryMiB;
        logRetention = b.logRetention == null ? RetentionDays.ONE_MONTH : b.logRetention;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<MigrationTarget> getTargets() {
        return targets;
    }

    public int getMaxConcurrency() {
        return maxConcurrency;
    }

    public int getToleratedFailurePercentage() {
        return toleratedFailurePercentage;
    }

    public int getTaskCpu() {
        return taskCpu;
    }

    public int getTaskMemoryMiB() {
        return taskMemoryMiB;
    }

    public RetentionDays getLogRetention() {
        return logRetention;
    }

    public static final class Builder {
        private List<MigrationTarget> targets;
        private Integer maxConcurrency;
        private Integer toleratedFailurePercentage;
        private Integer taskCpu;
        private Integer taskMemoryMiB;
        private RetentionDays logRetention;

        /** Required: the databases, each with its migrator; canaries first whatever the order. */
        public Builder targets(List<MigrationTarget> value) {
            targets = value;
            return this;
        }

        /** How many targets run at once after the canaries; default {@value #DEFAULT_MAX_CONCURRENCY}. */
        public Builder maxConcurrency(int value) {
            maxConcurrency = value;
            return this;
        }

        /**
         * The share of the non-canary targets that may fail while the run still succeeds; default 0. Canaries tolerate
         * no failure.
         */
        public Builder toleratedFailurePercentage(int value) {
            toleratedFailurePercentage = value;
            return this;
        }

        /** The Fargate task's CPU units; default {@value #DEFAULT_TASK_CPU} (1 vCPU). */
        public Builder taskCpu(int value) {
            taskCpu = value;
            return this;
        }

        /** The Fargate task's memory in MiB; default {@value #DEFAULT_TASK_MEMORY_MB}. */
        public Builder taskMemoryMiB(int value) {
            taskMemoryMiB = value;
            return this;
        }

        /** How long the task's and the workflow's logs are kept; default one month. */
        public Builder logRetention(RetentionDays value) {
            logRetention = value;
            return this;
        }

        public MigrationWorkflowProps build() {
            return new MigrationWorkflowProps(this);
        }
    }
}
