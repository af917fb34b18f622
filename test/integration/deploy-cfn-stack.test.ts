import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand
} from '@aws-sdk/client-cloudformation';
import { runBundledAction, type ActionRun } from '../helpers/action-runner.js';
import { startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';

/**
 * The bundled action, run as the runner runs it, against the local stack's CloudFormation. The templates
 * use resource types the local stack keeps as records (SSM parameters, alarms), so these tests need no
 * containers; the SageMaker templates are deployed in deploy-cfn-stack-endpoint.test.ts.
 */
const GREETING_TEMPLATE = `
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Greeting:
    Type: String
    AllowedValues: [hello, hi, hey]
  Audience:
    Type: String
    Default: world
Resources:
  Setting:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Sub '\${Greeting}, \${Audience}'
Outputs:
  Message:
    Value: !GetAtt Setting.Value
  SettingName:
    Value: !Ref Setting
`;

/** The same stack plus an alarm without the properties CloudFormation requires: it fails when created. */
const BROKEN_ALARM_TEMPLATE = `${GREETING_TEMPLATE.replace(
  'Outputs:',
  `  LatencyAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      MetricName: ModelLatency
      Namespace: AWS/SageMaker
Outputs:`
)}`;

let stack: LocalStackHandle;
let workspace: string;
let cloudformation: CloudFormationClient;
let stackNumber = 0;

beforeAll(async () => {
  stack = await startLocalStack();
  workspace = mkdtempSync(join(tmpdir(), 'deploy-cfn-stack-it-'));
  writeFileSync(join(workspace, 'greeting.yaml'), GREETING_TEMPLATE);
  writeFileSync(join(workspace, 'broken-alarm.yaml'), BROKEN_ALARM_TEMPLATE);
  writeFileSync(
    join(workspace, 'not-yaml.yaml'),
    'Resources:\n  Setting:\n    Type: AWS::SSM::Parameter\n   Properties: [\n'
  );
  writeFileSync(
    join(workspace, 'unknown-function.yaml'),
    'Resources:\n  Setting:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Value: { "Fn::Foo": x }\n'
  );
  writeFileSync(
    join(workspace, 'greeting-parameters.json'),
    JSON.stringify([
      { ParameterKey: 'Greeting', ParameterValue: 'hi' },
      { ParameterKey: 'Audience', ParameterValue: 'file' }
    ])
  );
  cloudformation = new CloudFormationClient({
    endpoint: stack.endpoint,
    region: stack.env['AWS_REGION'] ?? 'us-east-1',
    credentials: {
      accessKeyId: stack.env['AWS_ACCESS_KEY_ID'] ?? '',
      secretAccessKey: stack.env['AWS_SECRET_ACCESS_KEY'] ?? ''
    }
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

function uniqueStackName(): string {
  stackNumber += 1;
  return `deploy-cfn-it-${process.pid}-${stackNumber}`;
}

function deployStep(inputs: Record<string, string>): Promise<ActionRun> {
  return runBundledAction('deploy-cfn-stack', {
    inputs,
    env: {
      ...stack.env,
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: 'acme/diabetes-model',
      GITHUB_SHA: '3f2c1a9d07e1b2c3d4e5f60718293a4b5c6d7e8f',
      GITHUB_EVENT_PATH: undefined,
      GITHUB_REF: 'refs/heads/main'
    }
  });
}

async function readStack(stackName: string) {
  const response = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
  return response.Stacks?.[0];
}

describe('deploy-cfn-stack against the local stack', () => {
  it('creates, re-deploys with no changes, updates, survives a failed update, and deletes a stack', async () => {
    const stackName = uniqueStackName();

    const created = await deployStep({
      'stack-name': stackName,
      template: 'greeting.yaml',
      parameters: 'Greeting=hello'
    });
    expect(created.exitCode).toBe(0);
    expect(created.outputs).toMatchObject({
      Message: 'hello, world',
      'stack-status': 'CREATE_COMPLETE',
      'no-changes': 'false'
    });
    expect(JSON.parse(created.outputs['outputs'] ?? '')).toEqual({
      Message: 'hello, world',
      SettingName: created.outputs['SettingName']
    });
    expect(created.outputs['stack-id']).toMatch(
      new RegExp(`^arn:aws:cloudformation:us-east-1:\\d{12}:stack/${stackName}/`)
    );
    expect(created.log).toMatch(/Add\s+Setting\s+AWS::SSM::Parameter\s+-/);
    expect(created.log).toMatch(new RegExp(`Z  ${stackName}  AWS::CloudFormation::Stack  CREATE_COMPLETE`));
    expect(created.summary).toContain(`Changes to stack ${stackName}`);
    expect(created.summary).toContain('<td>AWS::SSM::Parameter</td>');
    const tags = (await readStack(stackName))?.Tags;
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: 'modelship:repository', Value: 'acme/diabetes-model' },
        { Key: 'modelship:commit', Value: '3f2c1a9d07e1b2c3d4e5f60718293a4b5c6d7e8f' }
      ])
    );

    const again = await deployStep({
      'stack-name': stackName,
      template: 'greeting.yaml',
      parameters: 'Greeting=hello'
    });
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({
      'no-changes': 'true',
      Message: 'hello, world',
      'stack-status': 'CREATE_COMPLETE'
    });
    expect(again.log).toContain(`No changes: stack ${stackName} already matches`);
    expect(again.summary).toContain('no changes');
    const changeSets = await cloudformation.send(new ListChangeSetsCommand({ StackName: stackName }));
    expect(again.outputs['change-set-id']).toMatch(/:changeSet\/modelship-3f2c1a9d07e1-/);
    expect(changeSets.Summaries?.map((summary) => summary.ChangeSetId)).not.toContain(
      again.outputs['change-set-id']
    );

    const updated = await deployStep({
      'stack-name': stackName,
      template: 'greeting.yaml',
      parameters: 'greeting-parameters.json\nAudience=team'
    });
    expect(updated.exitCode).toBe(0);
    expect(updated.outputs).toMatchObject({
      Message: 'hi, team',
      'stack-status': 'UPDATE_COMPLETE',
      'no-changes': 'false'
    });
    expect(updated.log).toMatch(/Modify\s+Setting\s+AWS::SSM::Parameter\s+False/);

    const failed = await deployStep({
      'stack-name': stackName,
      template: 'broken-alarm.yaml',
      parameters: 'Greeting=hey'
    });
    expect(failed.exitCode).toBe(1);
    expect(failed.log).toMatch(
      new RegExp(
        `::error::Stack ${stackName} ended in UPDATE_ROLLBACK_COMPLETE\\. First failure: LatencyAlarm \\(AWS::CloudWatch::Alarm\\) CREATE_FAILED: .*(ComparisonOperator|EvaluationPeriods)`
      )
    );
    expect(failed.log).toContain('what it served before keeps serving');
    expect(failed.outputs).toEqual({
      'stack-id': created.outputs['stack-id'],
      'stack-status': 'UPDATE_ROLLBACK_COMPLETE'
    });
    const afterRollback = await readStack(stackName);
    expect(afterRollback?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(afterRollback?.Outputs).toContainEqual(
      expect.objectContaining({ OutputKey: 'Message', OutputValue: 'hi, team' })
    );
    const resources = await cloudformation.send(new ListStackResourcesCommand({ StackName: stackName }));
    expect(resources.StackResourceSummaries?.map((resource) => resource.LogicalResourceId)).toEqual([
      'Setting'
    ]);

    const deleted = await deployStep({ 'stack-name': stackName, delete: 'true' });
    expect(deleted.exitCode).toBe(0);
    expect(deleted.outputs).toMatchObject({
      'stack-status': 'DELETE_COMPLETE',
      'stack-id': created.outputs['stack-id']
    });
    expect(deleted.log).toMatch(new RegExp(`${stackName}  AWS::CloudFormation::Stack  DELETE_COMPLETE`));
    await expect(readStack(stackName)).rejects.toThrow(/does not exist/);

    const deletedAgain = await deployStep({ 'stack-name': stackName, delete: 'true' });
    expect(deletedAgain.exitCode).toBe(0);
    expect(deletedAgain.log).toContain(`Stack ${stackName} does not exist: nothing to delete.`);
  }, 120_000);

  it('refuses a stack whose creation failed until recreate-failed-stack is set, then recreates it', async () => {
    const stackName = uniqueStackName();

    const failed = await deployStep({
      'stack-name': stackName,
      template: 'broken-alarm.yaml',
      parameters: 'Greeting=hi'
    });
    expect(failed.exitCode).toBe(1);
    expect(failed.log).toMatch(
      /ended in ROLLBACK_COMPLETE\. First failure: LatencyAlarm \(AWS::CloudWatch::Alarm\) CREATE_FAILED/
    );
    const failedStack = await readStack(stackName);
    expect(failedStack?.StackStatus).toBe('ROLLBACK_COMPLETE');

    const refused = await deployStep({
      'stack-name': stackName,
      template: 'greeting.yaml',
      parameters: 'Greeting=hi'
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.log).toMatch(
      /::error::Stack .* is in ROLLBACK_COMPLETE: its creation failed.*'recreate-failed-stack: true'/
    );

    const recreated = await deployStep({
      'stack-name': stackName,
      template: 'greeting.yaml',
      parameters: 'Greeting=hi',
      'recreate-failed-stack': 'true'
    });
    expect(recreated.exitCode).toBe(0);
    expect(recreated.log).toContain('from a failed creation; deleting it to create it again');
    expect(recreated.outputs).toMatchObject({ 'stack-status': 'CREATE_COMPLETE', Message: 'hi, world' });
    expect(recreated.outputs['stack-id']).not.toBe(failedStack?.StackId);

    await deployStep({ 'stack-name': stackName, delete: 'true' });
  }, 120_000);

  it('rides out throttling: the SDK retries throttled calls and the step succeeds', async () => {
    const stackName = uniqueStackName();
    for (const operation of [
      'DescribeStacks',
      'CreateChangeSet',
      'DescribeChangeSet',
      'DescribeStackEvents'
    ]) {
      await stack.injectFault({
        service: 'cloudformation',
        operation,
        code: 'Throttling',
        message: 'Rate exceeded',
        count: 2
      });
    }

    const logBefore = stack.output().length;
    const run = await deployStep({
      'stack-name': stackName,
      template: 'greeting.yaml',
      parameters: 'Greeting=hi'
    });

    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ 'stack-status': 'CREATE_COMPLETE', Message: 'hi, world' });
    const throttled =
      stack
        .output()
        .slice(logBefore)
        .match(/ 400 [\d.]+ms/g) ?? [];
    // The 8 throttled answers, and the ValidationError saying the new stack does not exist yet.
    expect(throttled).toHaveLength(9);
    await stack.clearFaults();
    await deployStep({ 'stack-name': stackName, delete: 'true' });
  }, 60_000);

  it.each([
    [
      'a template that is not YAML',
      { template: 'not-yaml.yaml', parameters: '' },
      /Template format error: YAML not well-formed.*Fix the template .*not-yaml\.yaml/
    ],
    [
      'an unknown intrinsic function',
      { template: 'unknown-function.yaml', parameters: '' },
      /Unrecognized function 'Fn::Foo'.*Fix the template/
    ],
    [
      'a missing required parameter',
      { template: 'greeting.yaml', parameters: 'Audience=x' },
      /Parameters: \[Greeting\] must have values.*Check the 'parameters' input/
    ],
    [
      'a parameter outside AllowedValues',
      { template: 'greeting.yaml', parameters: 'Greeting=howdy' },
      /Parameter 'Greeting' must be one of AllowedValues.*Check the 'parameters' input/
    ]
  ])(
    'fails clearly on %s and leaves no stack behind that blocks the next deploy',
    async (_case, inputs, message) => {
      const stackName = uniqueStackName();

      const run = await deployStep({ 'stack-name': stackName, ...inputs });

      expect(run.exitCode).toBe(1);
      expect(run.log).toMatch(message);
      const next = await deployStep({
        'stack-name': stackName,
        template: 'greeting.yaml',
        parameters: 'Greeting=hey'
      });
      expect(next.exitCode).toBe(0);
      expect(next.outputs['Message']).toBe('hey, world');
      await deployStep({ 'stack-name': stackName, delete: 'true' });
    },
    60_000
  );

  it.each([
    [
      { 'stack-name': 'prod_model', template: 'greeting.yaml' },
      /::error::Input 'stack-name': 'prod_model' is not a valid stack name/
    ],
    [
      { 'stack-name': 'prod', template: 'missing.yaml' },
      /::error::Input 'template': 'missing.yaml' is neither a file .* realtime-endpoint, serverless-endpoint/
    ],
    [
      { 'stack-name': 'prod', template: 'greeting.yaml', parameters: 'Greeting' },
      /::error::Input 'parameters': line 1 \('Greeting'\) is not a KEY=VALUE pair/
    ]
  ])('rejects bad inputs before calling AWS: %j', async (inputs, message) => {
    const run = await deployStep(inputs);
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(message);
  });
});
