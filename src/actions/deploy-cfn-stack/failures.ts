import type { ChangeSetType, StackEvent } from '@aws-sdk/client-cloudformation';
import { ActionError, describeError } from '../../lib/errors.js';
import { firstFailure } from './events.js';
import type { DeployRequest } from './types.js';

// The errors a deploy ends with: what happened, where, and what to do next.

/** A stack operation that ended in a failure status; it carries the status for the step's outputs. */
export class StackOperationFailed extends ActionError {
  constructor(
    message: string,
    hint: string,
    readonly stackId: string,
    readonly stackStatus: string
  ) {
    super(message, hint);
    this.name = 'StackOperationFailed';
  }
}

/** The error for an operation that ended in a failure status, naming the first resource that failed. */
export function operationFailure(
  stackName: string,
  status: string,
  events: readonly StackEvent[],
  hint: string
): StackOperationFailed {
  const failure = firstFailure(events);
  const cause = failure
    ? ` First failure: ${failure.LogicalResourceId} (${failure.ResourceType}) ${failure.ResourceStatus}: ${asSentence(failure.ResourceStatusReason ?? '')}`
    : '';
  const stackId = events.find((event) => event.StackId)?.StackId ?? '';
  return new StackOperationFailed(`Stack ${stackName} ended in ${status}.${cause}`, hint, stackId, status);
}

/** CreateChangeSet refused outright: say which input to look at. */
export function rejectedChangeSet(request: DeployRequest, error: unknown): Error {
  const name = (error as { name?: unknown } | undefined)?.name;
  const message = asSentence(describeError(error));
  if (name === 'InsufficientCapabilitiesException') {
    return new ActionError(
      `CloudFormation refused the change set for stack ${request.stackName}: ${message}`,
      "Add the capability it names to the 'capabilities' input (e.g. CAPABILITY_IAM or CAPABILITY_NAMED_IAM)."
    );
  }
  if (name === 'ValidationError') {
    const hint = /parameter/i.test(message)
      ? `Check the 'parameters' input against the template's Parameters section (${request.template.path}).`
      : `Fix the template ${request.template.path}.`;
    return new ActionError(
      `CloudFormation rejected the change set for stack ${request.stackName}: ${message}`,
      hint
    );
  }
  return error instanceof Error ? error : new Error(message);
}

export function failureHint(request: DeployRequest, type: ChangeSetType, status: string): string {
  if (type === 'CREATE') {
    if (status === 'ROLLBACK_COMPLETE') {
      return "Nothing was left running. Fix the cause, then run again with 'recreate-failed-stack: true' (a stack in ROLLBACK_COMPLETE cannot be updated).";
    }
    return 'Fix the cause, then run the step again.';
  }
  if (status === 'UPDATE_ROLLBACK_COMPLETE') {
    return 'The stack was rolled back to its previous state, so what it served before keeps serving. Fix the cause and deploy again.';
  }
  if (request.onFailure === 'DO_NOTHING') {
    return "Rollback was disabled ('on-failure: DO_NOTHING'): the stack keeps the failed update's resources. Fix the cause and deploy again.";
  }
  return `See the stack's events; the stack is ${status}.`;
}

/** Ends a message from AWS with a full stop, so the hint after it reads as a new sentence. */
export function asSentence(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}
