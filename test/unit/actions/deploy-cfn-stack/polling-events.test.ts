import { CloudFormationClient, DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { StackEventCursor } from '../../../../src/actions/deploy-cfn-stack/event-cursor.js';
import { firstFailure, formatEvent } from '../../../../src/actions/deploy-cfn-stack/events.js';
import { Backoff } from '../../../../src/actions/deploy-cfn-stack/polling.js';
import { event, fakeClock, STACK_ID, STACK_NAME } from './fixtures.js';

describe('Backoff', () => {
  const limits = { minMs: 200, maxMs: 10_000, quietFraction: 0.125 };

  it('polls at the floor right after a change, slows in proportion to the quiet, and stops at the ceiling', () => {
    const clock = fakeClock();
    const backoff = new Backoff(clock, limits);
    const delays: number[] = [];
    for (const quiet of [0, 4_000, 8_000, 40_000, 200_000]) {
      backoff.changed();
      void clock.sleep(quiet);
      delays.push(backoff.nextDelay());
    }
    expect(delays).toEqual([200, 500, 1_000, 5_000, 10_000]);
  });

  it('doubles the delay while throttled and forgets it after the next change', () => {
    const clock = fakeClock();
    const backoff = new Backoff(clock, limits);
    backoff.throttled();
    backoff.throttled();
    backoff.throttled();
    expect(backoff.nextDelay()).toBe(1_600);
    backoff.changed();
    expect(backoff.nextDelay()).toBe(200);
  });
});

describe('StackEventCursor', () => {
  const cfn = mockClient(CloudFormationClient);
  beforeEach(() => cfn.reset());

  it('returns only events after the last one seen, oldest first, across pages', async () => {
    const old = event(STACK_NAME, 'UPDATE_COMPLETE');
    const [a, b, c] = [
      event(STACK_NAME, 'UPDATE_IN_PROGRESS'),
      event('Model', 'CREATE_IN_PROGRESS'),
      event('Model', 'CREATE_COMPLETE')
    ];
    cfn
      .on(DescribeStackEventsCommand, { StackName: STACK_ID, NextToken: undefined })
      .resolvesOnce({ StackEvents: [old] })
      .resolvesOnce({ StackEvents: [c, b], NextToken: 'page-2' })
      .resolves({ StackEvents: [c, b, a, old] });
    cfn
      .on(DescribeStackEventsCommand, { StackName: STACK_ID, NextToken: 'page-2' })
      .resolves({ StackEvents: [a, old] });
    const client = new CloudFormationClient({ region: 'us-east-1' });

    const cursor = await StackEventCursor.atLatest(client, STACK_ID);

    expect(await cursor.next()).toEqual([a, b, c]);
    expect(await cursor.next()).toEqual([]);
    expect(cfn).toHaveReceivedCommandTimes(DescribeStackEventsCommand, 4);
  });
});

describe('stack events', () => {
  it('formats an event as time, resource, type, status and reason', () => {
    const line = formatEvent(
      event(
        'Endpoint',
        'CREATE_FAILED',
        { ResourceStatusReason: 'ping failed' },
        new Date('2026-11-23T08:15:42.123Z')
      )
    );
    expect(line).toBe('2026-11-23T08:15:42Z  Endpoint  AWS::SageMaker::Endpoint  CREATE_FAILED  ping failed');
  });

  it('finds the first failed resource, skipping the stack and resources cancelled because of it', () => {
    const cause = event('EndpointConfig', 'CREATE_FAILED', { ResourceStatusReason: 'Invalid instance type' });
    expect(
      firstFailure([
        event(STACK_NAME, 'CREATE_FAILED', {
          ResourceStatusReason: 'The following resource(s) failed to create'
        }),
        event('Model', 'CREATE_FAILED', { ResourceStatusReason: 'Resource creation cancelled' }),
        cause,
        event('Endpoint', 'CREATE_FAILED', { ResourceStatusReason: 'Another failure' })
      ])
    ).toBe(cause);
    expect(firstFailure([event('Model', 'CREATE_COMPLETE')])).toBeUndefined();
  });
});
