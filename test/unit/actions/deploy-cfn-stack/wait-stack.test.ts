import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type StackEvent
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { StackEventCursor } from '../../../../src/actions/deploy-cfn-stack/event-cursor.js';
import { waitForStackOperation } from '../../../../src/actions/deploy-cfn-stack/wait-stack.js';
import { collectingLog, event, fakeClock, stack, STACK_ID, STACK_NAME } from './fixtures.js';

const cloudformation = mockClient(CloudFormationClient);

/**
 * An update as the local stack runs it: the stack's UPDATE_IN_PROGRESS, then an event of one of eight
 * resources every 250 ms for 6 s, cleanup, and UPDATE_COMPLETE. The mocks answer from the fake clock,
 * so the number of calls and the time from the terminal event to the return are those of a real run.
 */
function simulateUpdate(clock: { now(): number }, start: number) {
  const timeline: { at: number; event: StackEvent }[] = [
    { at: 0, event: event(STACK_NAME, 'UPDATE_IN_PROGRESS') }
  ];
  for (let index = 1; index <= 24; index += 1) {
    const resource = `Resource${index % 8}`;
    const status = index <= 8 ? 'UPDATE_IN_PROGRESS' : 'UPDATE_COMPLETE';
    timeline.push({ at: index * 250, event: event(resource, status) });
  }
  timeline.push({ at: 6_100, event: event(STACK_NAME, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS') });
  const end = 6_400;
  timeline.push({ at: end, event: event(STACK_NAME, 'UPDATE_COMPLETE') });
  const happened = () => timeline.filter((entry) => entry.at <= clock.now() - start);
  cloudformation.on(DescribeStackEventsCommand).callsFake(async () => ({
    StackEvents: happened()
      .map((entry) => entry.event)
      .reverse()
  }));
  cloudformation.on(DescribeStacksCommand).callsFake(async () => ({
    Stacks: [
      stack(
        happened()
          .filter((entry) => entry.event.ResourceType === 'AWS::CloudFormation::Stack')
          .at(-1)!.event.ResourceStatus!
      )
    ]
  }));
  return { endsAt: start + end };
}

beforeEach(() => cloudformation.reset());

describe('waiting for a stack operation', () => {
  it('follows a 6 s update in few calls and returns within 0.5 s of its terminal event', async () => {
    const clock = fakeClock();
    const log = collectingLog();
    const client = new CloudFormationClient({ region: 'us-east-1' });
    cloudformation.on(DescribeStackEventsCommand).resolvesOnce({ StackEvents: [] });
    const cursor = await StackEventCursor.atLatest(client, STACK_ID);
    const { endsAt } = simulateUpdate(clock, clock.now());

    const result = await waitForStackOperation({ client, stackId: STACK_ID, cursor, clock, log });

    expect(result).toMatchObject({ kind: 'done', status: 'UPDATE_COMPLETE' });
    expect(log.lines).toHaveLength(27);
    expect(clock.now() - endsAt).toBeLessThanOrEqual(500);
    // At the 200 ms floor throughout (every event counted as a change) the same update took 33 reads, with
    // the 200 ms floor after each move of the stack's status 21; the 500 ms floor takes 13.
    expect(cloudformation.commandCalls(DescribeStackEventsCommand).length - 1).toBeLessThanOrEqual(13);
    expect(cloudformation).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
  });
});
