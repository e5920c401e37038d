// A deploy's migration through the MigrationWorkflow (CDK Provider framework): onEvent starts an execution,
// isComplete looks at it until it ends. CloudFormation waits at most an hour: longer runs belong to the pipeline step.
const { SFNClient, StartExecutionCommand, DescribeExecutionCommand } = require('@aws-sdk/client-sfn');
const sfn = new SFNClient({});

exports.onEvent = async (event) => {
  const props = event.ResourceProperties || {};
  const id = event.PhysicalResourceId || 'skylift-workflow-migration-' + event.LogicalResourceId;
  if (event.RequestType === 'Delete') {
    // Nothing to undo, and the databases may be going away with the stack.
    return { PhysicalResourceId: id };
  }
  const own = process.env.SKYLIFT_DEPLOY_ID;
  if (event.RequestType === 'Update' && (event.OldResourceProperties || {}).DeployId === own && props.DeployId !== own) {
    // CloudFormation rolling a failed update back sends the old properties: nothing is migrated back.
    return { PhysicalResourceId: id, Data: { Rollback: 'true' } };
  }
  const started = await sfn.send(new StartExecutionCommand({
    stateMachineArn: props.StateMachineArn,
    input: JSON.stringify({ command: props.Command || 'migrate' }),
  }));
  return { PhysicalResourceId: id, Data: { ExecutionArn: started.executionArn } };
};

exports.isComplete = async (event) => {
  const arn = (event.Data || {}).ExecutionArn;
  if (!arn) {
    return { IsComplete: true };
  }
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
  if (execution.status === 'RUNNING') {
    return { IsComplete: false };
  }
  if (execution.status === 'SUCCEEDED') {
    return { IsComplete: true, Data: { ExecutionArn: arn } };
  }
  const cause = String(execution.cause || '').slice(0, 500);
  throw new Error('The migration workflow ended ' + execution.status + ': ' + (execution.error || '') + ' ' + cause
      + ' (the failed targets: aws stepfunctions list-map-runs --execution-arn ' + arn + ')');
};
