import { DeleteStackCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { ActionError } from '../../lib/errors.js';
import { StackEventCursor } from './event-cursor.js';
import { operationFailure } from './failures.js';
import { idleStack, waitForStackOperation } from './wait-stack.js';
import type { Engine, TeardownResult } from './types.js';

export interface TeardownRequest {
  stackName: string;
  roleArn?: string;
  timeoutMinutes?: number;
}

/** Deletes the stack and waits for DELETE_COMPLETE; a stack that does not exist is already torn down. */
export async function teardown(engine: Engine, request: TeardownRequest): Promise<TeardownResult> {
  const deadline = deadlineFor(engine, request.timeoutMinutes);
  const stack = await idleStack(engine, request.stackName, deadline);
  if (!stack?.StackId) {
    engine.log.info(`Stack ${request.stackName} does not exist: nothing to delete.`);
    return { existed: false, stackStatus: 'DELETE_COMPLETE' };
  }
  if (stack.EnableTerminationProtection) {
    throw new ActionError(
      `Stack ${request.stackName} has termination protection enabled, so it cannot be deleted.`,
      `If it really should go, turn protection off first: aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${request.stackName}`
    );
  }
  await deleteStack(engine, stack, request.roleArn, deadline);
  return { existed: true, stackId: stack.StackId, stackStatus: 'DELETE_COMPLETE' };
}

/** DeleteStack, then the events until the stack is gone; any other end is an error naming the resource. */
export async function deleteStack(
  engine: Engine,
  stack: Stack,
  roleArn: string | undefined,
  deadline: number | undefined
): Promise<void> {
  const { cloudformation: client, clock, log } = engine;
  const stackId = stack.StackId ?? '';
  const name = stack.StackName ?? stackId;
  log.info(`Deleting stack ${name} (${stack.StackStatus}).`);
  const cursor = await StackEventCursor.atLatest(client, stackId);
  await client.send(
    new DeleteStackCommand({
      StackName: stackId,
      ClientRequestToken: engine.token(),
      ...(roleArn !== undefined && { RoleARN: roleArn })
    })
  );
  const result = await waitForStackOperation({
    client,
    stackId,
    cursor,
    clock,
    log,
    ...(deadline !== undefined && { deadline })
  });
  if (result.kind === 'timed-out') {
    throw new ActionError(
      `Stack ${name} was still being deleted (${result.status}) when the step's timeout ran out.`,
      "CloudFormation goes on deleting it; raise 'timeout-in-minutes' to wait longer."
    );
  }
  if (result.status !== 'DELETE_COMPLETE') {
    throw operationFailure(
      name,
      result.status,
      result.events,
      `Delete or retain the resources that could not be deleted, then delete the stack again.`
    );
  }
  log.info(`Stack ${name} deleted.`);
}

export function deadlineFor(engine: Pick<Engine, 'clock'>, minutes: number | undefined): number | undefined {
  return minutes === undefined ? undefined : engine.clock.now() + minutes * 60_000;
}
