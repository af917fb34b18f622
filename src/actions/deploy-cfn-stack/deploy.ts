import {
  CancelUpdateStackCommand,
  UpdateTerminationProtectionCommand,
  type ChangeSetType,
  type Stack
} from '@aws-sdk/client-cloudformation';
import { ActionError } from '../../lib/errors.js';
import {
  changeSetRequest,
  createChangeSet,
  deleteChangeSet,
  executeChangeSet,
  executeRequest,
  waitForChangeSet
} from './change-set.js';
import { changeRows, formatChangeTable } from './change-table.js';
import { checkServedConfigs, stackEndpointConfigs, stackEndpoints, waitForEndpoints } from './endpoints.js';
import { StackEventCursor } from './event-cursor.js';
import { planFor, succeeded } from './stack-state.js';
import { failureHint, operationFailure, rejectedChangeSet } from './failures.js';
import { describeStack, isStackBusy, listStackResources, stackOutputs } from './stacks.js';
import { deadlineFor, deleteStack } from './teardown.js';
import { placeTemplate } from './template.js';
import type { DeployRequest, DeployResult, Engine, ResourceChangeRow, TemplateLocation } from './types.js';
import { idleStack, waitForStackOperation } from './wait-stack.js';

/**
 * Creates or updates the stack through a change set: decide from the stack's state, compute the change
 * set, show it, execute it, follow the events to the end, then report the stack's outputs.
 */
export async function deploy(engine: Engine, request: DeployRequest): Promise<DeployResult> {
  const { log } = engine;
  const deadline = deadlineFor(engine, request.timeoutMinutes);
  const template = await placeTemplate(request.template, request.stackName, request.templateBucket, {
    s3: engine.s3,
    region: engine.region
  });
  let { stack, type, created } = await startChangeSet(engine, request, template, deadline);
  for (let attempt = 1; created === undefined; attempt += 1) {
    if (attempt >= BUSY_ATTEMPTS) {
      throw new ActionError(
        `Stack ${request.stackName} kept being changed by other operations while this step tried to deploy it.`,
        'Make deploys of one stack wait for each other (a workflow `concurrency:` group), then run the step again.'
      );
    }
    log.info(`Another operation started on stack ${request.stackName} in the meantime; waiting for it.`);
    ({ stack, type, created } = await startChangeSet(engine, request, template, deadline));
  }
  const outcome = await waitForChangeSet(engine.cloudformation, created.changeSetId, engine.clock).catch(
    async (error: unknown) => {
      await deleteChangeSet(engine.cloudformation, created.changeSetId).catch(() => undefined);
      throw error;
    }
  );

  if (outcome.kind === 'empty') {
    log.info(
      `No changes: stack ${request.stackName} already matches the template and parameters (${outcome.reason}).`
    );
    await deleteChangeSet(engine.cloudformation, outcome.changeSetId);
    const current = stack ?? (await describeStack(engine.cloudformation, outcome.stackId));
    return finish(engine, request, current, {
      changeSetId: outcome.changeSetId,
      noChanges: true,
      changes: []
    });
  }

  const rows = changeRows(outcome.changes);
  log.info(`Changes to stack ${request.stackName}:\n${formatChangeTable(rows)}`);
  await engine.onChanges?.(request.stackName, rows);

  const cursor = await StackEventCursor.atLatest(engine.cloudformation, outcome.stackId);
  await executeChangeSet(
    engine.cloudformation,
    executeRequest(request, type, outcome.changeSetId, engine.token())
  );
  log.info(`Executing change set ${request.changeSetName}; stack events follow.`);
  const waitOptions = {
    client: engine.cloudformation,
    stackId: outcome.stackId,
    cursor,
    clock: engine.clock,
    log
  };
  const result = await waitForStackOperation({ ...waitOptions, ...(deadline !== undefined && { deadline }) });
  if (result.kind === 'timed-out') {
    throw await timedOut(engine, request, type, outcome.stackId, waitOptions);
  }
  if (!succeeded(result.status, 'deploy')) {
    throw operationFailure(
      request.stackName,
      result.status,
      result.events,
      failureHint(request, type, result.status)
    );
  }
  return finish(engine, request, result.stack, {
    changeSetId: outcome.changeSetId,
    noChanges: false,
    changes: rows
  });
}

const BUSY_ATTEMPTS = 3;

/**
 * Waits for the stack to be free, decides CREATE or UPDATE, and creates the change set. `created` is
 * undefined when another operation started on the stack between the look and the request (the caller
 * waits and tries again).
 */
async function startChangeSet(
  engine: Engine,
  request: DeployRequest,
  template: TemplateLocation,
  deadline: number | undefined
): Promise<{
  stack: Stack | undefined;
  type: ChangeSetType;
  created?: { changeSetId: string; stackId: string };
}> {
  let stack = await idleStack(engine, request.stackName, deadline);
  const plan = planFor(stack, request.recreateFailedStack);
  if (plan.kind === 'refuse') throw new ActionError(plan.problem, plan.remedy);
  if (plan.kind === 'recreate' && stack) {
    engine.log.info(
      `Stack ${request.stackName} is ${stack.StackStatus} from a failed creation; deleting it to create it again.`
    );
    await deleteStack(engine, stack, request.roleArn, deadline);
    stack = undefined;
  }
  const type: ChangeSetType = plan.kind === 'update' ? 'UPDATE' : 'CREATE';
  engine.log.info(
    `Creating ${type} change set ${request.changeSetName} for stack ${request.stackName} from ${request.template.path}.`
  );
  try {
    const created = await createChangeSet(engine.cloudformation, changeSetRequest(request, type, template));
    return { stack, type, created };
  } catch (error) {
    if (isStackBusy(error)) return { stack, type };
    throw rejectedChangeSet(request, error);
  }
}

/** Termination protection, endpoints and outputs: the same after an update and after "no changes". */
async function finish(
  engine: Engine,
  request: DeployRequest,
  stack: Stack | undefined,
  result: { changeSetId: string; noChanges: boolean; changes: ResourceChangeRow[] }
): Promise<DeployResult> {
  if (!stack?.StackId) {
    throw new ActionError(`Stack ${request.stackName} could not be read back after the deploy.`);
  }
  const protection = request.terminationProtection;
  if (protection !== undefined && (stack.EnableTerminationProtection ?? false) !== protection) {
    await engine.cloudformation.send(
      new UpdateTerminationProtectionCommand({
        StackName: stack.StackId,
        EnableTerminationProtection: protection
      })
    );
    engine.log.info(
      `Termination protection of stack ${request.stackName} turned ${protection ? 'on' : 'off'}.`
    );
  }
  if (request.waitForEndpoints) {
    const resources = await listStackResources(engine.cloudformation, stack.StackId);
    const endpoints = stackEndpoints(resources);
    if (endpoints.length === 0) engine.log.info('The stack has no SageMaker endpoints to wait for.');
    const served = await waitForEndpoints(
      await engine.sagemaker(),
      endpoints,
      engine.clock,
      engine.log,
      deadlineFor(engine, request.timeoutMinutes)
    );
    checkServedConfigs(served, stackEndpointConfigs(resources));
  }
  return {
    ...result,
    stackId: stack.StackId,
    stackStatus: stack.StackStatus ?? '',
    outputs: stackOutputs(stack)
  };
}

/** The wait ran out: an update is cancelled (CloudFormation rolls it back); a creation goes on by itself. */
async function timedOut(
  engine: Engine,
  request: DeployRequest,
  type: ChangeSetType,
  stackId: string,
  waitOptions: Omit<Parameters<typeof waitForStackOperation>[0], 'deadline'>
): Promise<ActionError> {
  const minutes = request.timeoutMinutes ?? 0;
  if (type === 'CREATE') {
    return new ActionError(
      `Stack ${request.stackName} was not created within ${minutes} minutes.`,
      "CloudFormation goes on creating it; raise 'timeout-in-minutes' to wait longer."
    );
  }
  engine.log.warning(
    `Stack ${request.stackName} was not updated within ${minutes} minutes: cancelling the update.`
  );
  await engine.cloudformation.send(
    new CancelUpdateStackCommand({ StackName: stackId, ClientRequestToken: engine.token() })
  );
  const rollback = await waitForStackOperation(waitOptions);
  return new ActionError(
    `Stack ${request.stackName} was not updated within ${minutes} minutes; the update was cancelled and the stack is ${rollback.status}.`,
    "Raise 'timeout-in-minutes' if the update needs longer."
  );
}
