import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../helpers/action-runner.js';
import { mockActionsCore } from '../../../helpers/core-mock.js';
import { CHANGE_SET_ID, changeSet, stack, stackMissing, STACK_ID, STACK_NAME } from './fixtures.js';

const core = mockActionsCore();
const { outputs, warnings, summary } = core;

const { run } = await import('../../../../src/actions/deploy-cfn-stack/main.js');

const cfn = mockClient(CloudFormationClient);
const env = { AWS_REGION: 'us-east-1', GITHUB_WORKSPACE: PROJECT_ROOT };
const bundleDir = join(PROJECT_ROOT, 'dist', 'deploy-cfn-stack');
const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

// The summary helpers write only on a runner, which they recognise by GITHUB_STEP_SUMMARY.
const savedSummaryPath = process.env['GITHUB_STEP_SUMMARY'];
beforeAll(() => {
  process.env['GITHUB_STEP_SUMMARY'] = '/dev/null';
});
afterAll(() => {
  if (savedSummaryPath === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
  else process.env['GITHUB_STEP_SUMMARY'] = savedSummaryPath;
});

beforeEach(() => {
  cfn.reset();
  core.reset();
});

describe('deploy-cfn-stack run()', () => {
  it('sets every stack output under its own name and the fixed outputs after "no changes"', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(changeSet('FAILED', { StatusReason: 'No updates are to be performed.' }));
    cfn.on(DeleteChangeSetCommand).resolves({});

    await run({
      read: reader({ 'stack-name': STACK_NAME, template: 'realtime-endpoint', parameters: 'ImageUri=img:1' }),
      env,
      bundleDir
    });

    expect(outputs).toEqual({
      EndpointName: 'diabetes-model-prod',
      EndpointArn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/diabetes-model-prod',
      outputs: JSON.stringify({
        EndpointName: 'diabetes-model-prod',
        EndpointArn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/diabetes-model-prod'
      }),
      'stack-id': STACK_ID,
      'stack-status': 'UPDATE_COMPLETE',
      'change-set-id': CHANGE_SET_ID,
      'no-changes': 'true',
      changes: '[]'
    });
    expect(summary.join('\n')).toContain(`### Stack ${STACK_NAME}: no changes`);
    expect(summary).toContain(`# Outputs of stack ${STACK_NAME} (UPDATE_COMPLETE)`);
  });

  it('warns when a stack output has the name of a fixed output, which wins', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [stack('UPDATE_COMPLETE', { Outputs: [{ OutputKey: 'outputs', OutputValue: 'mine' }] })]
    });
    cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(changeSet('FAILED', { StatusReason: 'No updates are to be performed.' }));
    cfn.on(DeleteChangeSetCommand).resolves({});

    await run({ read: reader({ 'stack-name': STACK_NAME, template: 'realtime-endpoint' }), env, bundleDir });

    expect(outputs['outputs']).toBe('{"outputs":"mine"}');
    expect(warnings).toEqual([
      expect.stringContaining("Stack output 'outputs' has the name of a fixed output")
    ]);
  });

  it('tears down: a missing stack is success with DELETE_COMPLETE and no-changes', async () => {
    cfn.on(DescribeStacksCommand).rejects(stackMissing());

    await run({ read: reader({ 'stack-name': STACK_NAME, delete: 'true' }), env, bundleDir });

    expect(outputs).toEqual({
      outputs: '{}',
      'stack-id': '',
      'stack-status': 'DELETE_COMPLETE',
      'change-set-id': '',
      'no-changes': 'true',
      changes: '[]'
    });
    expect(summary.join('\n')).toContain('did not exist: nothing to delete');
  });
});
