import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  UpdateStackCommand
} from '@aws-sdk/client-cloudformation';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';
import { waitForStack } from '../unit/local-stack/services/cloudformation/harness.js';

const TEMPLATE = `
Parameters:
  Threshold: { Type: Number, Default: 5 }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: sagemaker.amazonaws.com }, Action: sts:AssumeRole }]
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: Modelship/Test
      MetricName: Errors
      Statistic: Sum
      Period: 60
      ComparisonOperator: GreaterThanThreshold
      EvaluationPeriods: 1
      Threshold: !Ref Threshold
      AlarmDescription: !GetAtt Role.Arn
Outputs:
  RoleArn: { Value: !GetAtt Role.Arn }
  AlarmName: { Value: !Ref Alarm }
`;

/** CloudFormation in the bundled local stack (`modelship local serve`), across a restart. */
describe('local CloudFormation in the bundled stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ls-cloudformation-data-'));
  let stack: LocalStackHandle | undefined;
  const clientFor = (running: LocalStackHandle) =>
    new CloudFormationClient({
      endpoint: running.endpoint,
      region: running.env['AWS_REGION']!,
      credentials: {
        accessKeyId: running.env['AWS_ACCESS_KEY_ID']!,
        secretAccessKey: running.env['AWS_SECRET_ACCESS_KEY']!
      }
    });

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('deploys a stack, keeps it across a restart, and updates it afterwards; the AWS CLI reads it', async () => {
    stack = await startLocalStack({ dataDir });
    let client = clientFor(stack);
    await client.send(
      new CreateStackCommand({
        StackName: 'ls-cfn',
        TemplateBody: TEMPLATE,
        Capabilities: ['CAPABILITY_IAM']
      })
    );
    const created = await waitForStack(client, 'ls-cfn');
    expect(created.StackStatus).toBe('CREATE_COMPLETE');
    const roleArn = created.Outputs?.find((output) => output.OutputKey === 'RoleArn')?.OutputValue;
    expect(roleArn).toMatch(/^arn:aws:iam::000000000000:role\/ls-cfn-Role-[A-Z0-9]{12}$/);
    client.destroy();

    await stack.stop();
    stack = await startLocalStack({ dataDir });
    client = clientFor(stack);
    const restarted = await waitForStack(client, 'ls-cfn');
    expect(restarted).toMatchObject({ StackStatus: 'CREATE_COMPLETE', StackId: created.StackId });
    expect(restarted.CreationTime).toEqual(created.CreationTime);

    await client.send(
      new UpdateStackCommand({
        StackName: 'ls-cfn',
        UsePreviousTemplate: true,
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: [{ ParameterKey: 'Threshold', ParameterValue: '9' }]
      })
    );
    const updated = await waitForStack(client, 'ls-cfn');
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE');
    expect(updated.Outputs?.find((output) => output.OutputKey === 'RoleArn')?.OutputValue).toBe(roleArn);
    const { StackEvents } = await client.send(new DescribeStackEventsCommand({ StackName: 'ls-cfn' }));
    expect(
      StackEvents?.map((event) => `${event.LogicalResourceId} ${event.ResourceStatus}`).slice(0, 5)
    ).toEqual([
      'ls-cfn UPDATE_COMPLETE',
      'ls-cfn UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'Alarm UPDATE_COMPLETE',
      'Alarm UPDATE_IN_PROGRESS',
      'ls-cfn UPDATE_IN_PROGRESS'
    ]);
    client.destroy();

    const cli = await runProgram(
      'aws',
      ['cloudformation', 'describe-stacks', '--stack-name', 'ls-cfn', '--output', 'json'],
      {
        env: stack.env
      }
    );
    expect(cli.stderr).toBe('');
    expect(JSON.parse(cli.stdout).Stacks[0]).toMatchObject({
      StackStatus: 'UPDATE_COMPLETE',
      Parameters: [{ ParameterKey: 'Threshold', ParameterValue: '9' }]
    });
  }, 120_000);
});
