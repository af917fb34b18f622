import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { teardown } from '../../../../src/actions/deploy-cfn-stack/teardown.js';
import { event, newestFirst, stack, stackMissing, STACK_ID, STACK_NAME, testEngine } from './fixtures.js';

const cfn = mockClient(CloudFormationClient);

beforeEach(() => {
  cfn.reset();
  cfn.on(DeleteStackCommand).resolves({});
});

describe('teardown', () => {
  it('succeeds without deleting anything when the stack does not exist', async () => {
    cfn.on(DescribeStacksCommand).rejects(stackMissing());
    const { engine } = testEngine();

    await expect(teardown(engine, { stackName: STACK_NAME })).resolves.toEqual({
      existed: false,
      stackStatus: 'DELETE_COMPLETE'
    });
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
  });

  it('deletes the stack by ID with the role and waits for DELETE_COMPLETE, streaming events', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_NAME })
      .resolves({ Stacks: [stack('UPDATE_COMPLETE')] })
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolves({ Stacks: [stack('DELETE_COMPLETE')] });
    const baseline = event(STACK_NAME, 'UPDATE_COMPLETE');
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(newestFirst(baseline))
      .resolvesOnce(
        newestFirst(
          baseline,
          event(STACK_NAME, 'DELETE_IN_PROGRESS'),
          event('Endpoint', 'DELETE_IN_PROGRESS')
        )
      )
      .resolves(
        newestFirst(
          baseline,
          event(STACK_NAME, 'DELETE_IN_PROGRESS'),
          event('Endpoint', 'DELETE_IN_PROGRESS'),
          event('Endpoint', 'DELETE_COMPLETE'),
          event(STACK_NAME, 'DELETE_COMPLETE')
        )
      );
    const role = 'arn:aws:iam::123456789012:role/cfn-service';
    const { engine, log } = testEngine();

    const result = await teardown(engine, { stackName: STACK_NAME, roleArn: role });

    expect(result).toEqual({ existed: true, stackId: STACK_ID, stackStatus: 'DELETE_COMPLETE' });
    expect(cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: STACK_ID, RoleARN: role });
    expect(log.lines).toContainEqual(
      expect.stringMatching(/Endpoint {2}AWS::SageMaker::Endpoint {2}DELETE_COMPLETE$/)
    );
    expect(log.lines.at(-1)).toBe(`Stack ${STACK_NAME} deleted.`);
  });

  it('refuses a stack with termination protection, saying how to turn it off', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [stack('UPDATE_COMPLETE', { EnableTerminationProtection: true })] });
    const { engine } = testEngine();

    await expect(teardown(engine, { stackName: STACK_NAME })).rejects.toThrow(
      /termination protection enabled.*--no-enable-termination-protection/
    );
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
  });

  it('fails naming the resource that could not be deleted', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_NAME })
      .resolves({ Stacks: [stack('UPDATE_COMPLETE')] })
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolves({ Stacks: [stack('DELETE_FAILED')] });
    const baseline = event(STACK_NAME, 'UPDATE_COMPLETE');
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(newestFirst(baseline))
      .resolves(
        newestFirst(
          baseline,
          event(STACK_NAME, 'DELETE_IN_PROGRESS'),
          event('Model', 'DELETE_FAILED', {
            ResourceStatusReason: 'User is not authorized to perform: sagemaker:DeleteModel'
          }),
          event(STACK_NAME, 'DELETE_FAILED')
        )
      );
    const { engine } = testEngine();

    await expect(teardown(engine, { stackName: STACK_NAME })).rejects.toThrow(
      'ended in DELETE_FAILED. First failure: Model (AWS::SageMaker::Model) DELETE_FAILED: User is not authorized to perform: sagemaker:DeleteModel.'
    );
  });
});
