package io.skylift.migrator;

/**
 * How an invocation ended: the {@code Status} of a CloudFormation answer (CloudFormation's own words), and the
 * {@code outcome} of the structured log line (named so beside the answerer's own {@code Outcome} record).
 */
public enum ResultStatus {
    SUCCESS,
    FAILED
}
