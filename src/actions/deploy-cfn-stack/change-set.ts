import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  ExecuteChangeSetCommand,
  type Change,
  type ChangeSetType,
  type CloudFormationClient,
  type CreateChangeSetInput,
  type DescribeChangeSetOutput,
  type ExecuteChangeSetInput
} from '@aws-sdk/client-cloudformation';
import { ActionError } from '../../lib/errors.js';
import { asSentence } from './failures.js';
import type { Clock } from '../../lib/clock.js';
import { Backoff, isThrottling } from './polling.js';
import type { DeployRequest, TemplateLocation } from './types.js';

/** The exact CreateChangeSet request for a deploy: a pure function, so the tests read it directly. */
export function changeSetRequest(
  request: DeployRequest,
  type: Extract<ChangeSetType, 'CREATE' | 'UPDATE'>,
  template: TemplateLocation
): CreateChangeSetInput {
  return {
    StackName: request.stackName,
    ChangeSetName: request.changeSetName,
    ChangeSetType: type,
    Description: request.description,
    ...('body' in template ? { TemplateBody: template.body } : { TemplateURL: template.url }),
    Parameters: request.parameters,
    Capabilities: request.capabilities,
    Tags: request.tags,
    NotificationARNs: request.notificationArns,
    ...(request.roleArn !== undefined && { RoleARN: request.roleArn }),
    // What to do when creation fails is chosen here; for an update it is chosen at execution.
    ...(type === 'CREATE' && { OnStackFailure: request.onFailure })
  };
}

export function executeRequest(
  request: DeployRequest,
  type: ChangeSetType,
  changeSetId: string,
  token: string
): ExecuteChangeSetInput {
  return {
    ChangeSetName: changeSetId,
    ClientRequestToken: token,
    ...(type === 'UPDATE' && request.onFailure === 'DO_NOTHING' && { DisableRollback: true })
  };
}

/** The two ways CloudFormation says a change set would change nothing. */
const NO_CHANGES = [/didn't contain changes/i, /No updates are to be performed/i];

export function isNoChangesReason(reason: string | undefined): boolean {
  return reason !== undefined && NO_CHANGES.some((pattern) => pattern.test(reason));
}

export type ChangeSetOutcome =
  | { kind: 'ready'; changeSetId: string; stackId: string; changes: Change[] }
  | { kind: 'empty'; changeSetId: string; stackId: string; reason: string };

export async function createChangeSet(client: CloudFormationClient, input: CreateChangeSetInput) {
  const response = await client.send(new CreateChangeSetCommand(input));
  if (!response.Id || !response.StackId) {
    throw new ActionError(`CreateChangeSet for stack ${input.StackName} returned no change set ID.`);
  }
  return { changeSetId: response.Id, stackId: response.StackId };
}

/**
 * Waits until CloudFormation has computed the change set, then returns every change (all pages), or
 * reports it empty. Any other failure is an error carrying CloudFormation's reason.
 */
export async function waitForChangeSet(
  client: CloudFormationClient,
  changeSetId: string,
  clock: Clock
): Promise<ChangeSetOutcome> {
  const backoff = new Backoff(clock);
  for (;;) {
    let first: DescribeChangeSetOutput;
    try {
      first = await client.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId }));
    } catch (error) {
      if (!isThrottling(error)) throw error;
      backoff.throttled();
      await backoff.wait();
      continue;
    }
    const stackId = first.StackId ?? '';
    if (first.Status === 'CREATE_COMPLETE') {
      return { kind: 'ready', changeSetId, stackId, changes: await allChanges(client, changeSetId, first) };
    }
    if (first.Status === 'FAILED') {
      const reason = first.StatusReason ?? 'no reason given';
      if (isNoChangesReason(reason)) return { kind: 'empty', changeSetId, stackId, reason };
      throw new ActionError(
        `CloudFormation could not create change set ${first.ChangeSetName ?? changeSetId} for stack ${first.StackName ?? stackId}: ${asSentence(reason)}`,
        'Check the template and parameters against that reason.'
      );
    }
    if (first.Status?.startsWith('DELETE')) {
      throw new ActionError(
        `Change set ${changeSetId} was deleted while this step waited for it (${first.Status}).`
      );
    }
    await backoff.wait();
  }
}

async function allChanges(client: CloudFormationClient, changeSetId: string, first: DescribeChangeSetOutput) {
  const changes = [...(first.Changes ?? [])];
  let nextToken = first.NextToken;
  while (nextToken) {
    const page = await client.send(
      new DescribeChangeSetCommand({ ChangeSetName: changeSetId, NextToken: nextToken })
    );
    changes.push(...(page.Changes ?? []));
    nextToken = page.NextToken;
  }
  return changes;
}

export async function deleteChangeSet(client: CloudFormationClient, changeSetId: string): Promise<void> {
  await client.send(new DeleteChangeSetCommand({ ChangeSetName: changeSetId }));
}

export async function executeChangeSet(
  client: CloudFormationClient,
  input: ExecuteChangeSetInput
): Promise<void> {
  await client.send(new ExecuteChangeSetCommand(input));
}
