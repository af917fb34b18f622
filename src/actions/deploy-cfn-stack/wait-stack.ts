import type { CloudFormationClient, Stack, StackEvent } from '@aws-sdk/client-cloudformation';
import { ActionError } from '../../lib/errors.js';
import { StackEventCursor } from './event-cursor.js';
import { formatEvent, isStackEvent } from './events.js';
import type { Clock } from '../../lib/clock.js';
import { Backoff, isThrottling, STACK_BACKOFF } from './polling.js';
import { isInProgress, isTerminal } from './stack-state.js';
import { describeStack } from './stacks.js';
import type { Log } from '../../lib/log.js';
import type { Engine } from './types.js';

export interface StackWait {
  client: CloudFormationClient;
  stackId: string;
  /** Positioned before the operation began, so every event of the operation is seen. */
  cursor: StackEventCursor;
  clock: Clock;
  log: Log;
  /** Clock time after which the wait gives up. */
  deadline?: number;
}

export type StackWaitResult =
  | { kind: 'done'; status: string; stack: Stack | undefined; events: StackEvent[] }
  | { kind: 'timed-out'; status: string; events: StackEvent[] };

/**
 * Streams the stack's new events into the log until the operation ends. The end is seen in the events
 * themselves (the stack's own terminal event), then confirmed with DescribeStacks, so a quiet stack costs
 * one call per poll. Polls are quick after the stack's status moved and slow down while it stays.
 */
export async function waitForStackOperation(wait: StackWait): Promise<StackWaitResult> {
  const { client, stackId, cursor, clock, log } = wait;
  const backoff = new Backoff(clock, STACK_BACKOFF);
  const events: StackEvent[] = [];
  let lastStatus = '';
  for (;;) {
    let fresh: StackEvent[] = [];
    try {
      fresh = await cursor.next();
    } catch (error) {
      if (!isThrottling(error)) throw error;
      backoff.throttled();
    }
    for (const event of fresh) log.info(formatEvent(event));
    events.push(...fresh);
    const stackEvent = fresh.filter(isStackEvent).at(-1);
    // Only a move of the stack's own status makes polling quick again: resource events alone (a stream
    // during any update) would keep it at the floor, a call every 200 ms, without the end being any nearer.
    if (stackEvent?.ResourceStatus && stackEvent.ResourceStatus !== lastStatus) backoff.changed();
    if (stackEvent?.ResourceStatus) lastStatus = stackEvent.ResourceStatus;
    if (stackEvent && isTerminal(lastStatus)) {
      const stack = await describeStack(client, stackId);
      const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
      if (isTerminal(status)) return { kind: 'done', status, stack, events };
    }
    if (wait.deadline !== undefined && clock.now() >= wait.deadline) {
      return { kind: 'timed-out', status: lastStatus, events };
    }
    await backoff.wait();
  }
}

/**
 * The stack as it is once no other operation is running on it (undefined when there is none): a stack
 * busy with another run's deploy is waited for, its events streamed, rather than failing this run.
 */
export async function idleStack(
  engine: Pick<Engine, 'cloudformation' | 'clock' | 'log'>,
  stackName: string,
  deadline: number | undefined
): Promise<Stack | undefined> {
  const { cloudformation: client, clock, log } = engine;
  for (;;) {
    const stack = await describeStack(client, stackName);
    if (!stack?.StackId || !isInProgress(stack.StackStatus ?? '')) return stack;
    log.info(
      `Stack ${stackName} is ${stack.StackStatus}: another operation is running; waiting for it to finish.`
    );
    const cursor = await StackEventCursor.atLatest(client, stack.StackId);
    // The operation may have ended between the two calls; then its terminal event is already behind the cursor.
    const current = await describeStack(client, stack.StackId);
    if (!current || !isInProgress(current.StackStatus ?? '')) continue;
    const result = await waitForStackOperation({
      client,
      stackId: stack.StackId,
      cursor,
      clock,
      log,
      ...(deadline !== undefined && { deadline })
    });
    if (result.kind === 'timed-out') {
      throw new ActionError(
        `Stack ${stackName} was still ${result.status || current.StackStatus} from another operation when the step's timeout ran out.`,
        "Raise 'timeout-in-minutes', or wait for the other operation to finish and run the step again."
      );
    }
  }
}
