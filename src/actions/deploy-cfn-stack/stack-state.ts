import type { Stack } from '@aws-sdk/client-cloudformation';

/** What a deploy does with the stack it finds, decided from its status alone. */
export type StackPlan =
  | { kind: 'create' }
  | { kind: 'update' }
  /** Another operation is running: wait for it, then look again. */
  | { kind: 'wait' }
  /** A failed creation left a stack that can only be deleted. */
  | { kind: 'recreate' }
  | { kind: 'refuse'; problem: string; remedy: string };

/** Statuses after which the stack can be updated. */
const UPDATABLE = new Set([
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_FAILED',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE'
]);

/** A creation that failed: nothing but deletion is possible. */
const FAILED_CREATION = new Set(['ROLLBACK_COMPLETE', 'CREATE_FAILED']);

export function isInProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}

export function planFor(stack: Stack | undefined, recreateFailedStack: boolean): StackPlan {
  if (stack === undefined) return { kind: 'create' };
  const status = stack.StackStatus ?? '';
  const name = stack.StackName ?? '';
  // A stack whose first change set was never executed has no resources yet: it is still new.
  if (status === 'REVIEW_IN_PROGRESS') return { kind: 'create' };
  if (isInProgress(status)) return { kind: 'wait' };
  if (UPDATABLE.has(status)) return { kind: 'update' };
  if (FAILED_CREATION.has(status)) {
    if (recreateFailedStack) return { kind: 'recreate' };
    return {
      kind: 'refuse',
      problem: `Stack ${name} is in ${status}: its creation failed and CloudFormation cannot update it.`,
      remedy:
        "Fix the cause shown in the stack's events, then set 'recreate-failed-stack: true' to delete and create it again " +
        `(or delete it yourself: aws cloudformation delete-stack --stack-name ${name}).`
    };
  }
  if (status === 'UPDATE_ROLLBACK_FAILED' || status === 'IMPORT_ROLLBACK_FAILED') {
    return {
      kind: 'refuse',
      problem: `Stack ${name} is in ${status}: a rollback could not restore every resource, so the stack cannot be updated.`,
      remedy:
        'Fix or skip the resources that failed to roll back, then continue the rollback: ' +
        `aws cloudformation continue-update-rollback --stack-name ${name} [--resources-to-skip <LogicalId> ...]; deploy again once it is UPDATE_ROLLBACK_COMPLETE.`
    };
  }
  if (status === 'ROLLBACK_FAILED' || status === 'DELETE_FAILED') {
    return {
      kind: 'refuse',
      problem: `Stack ${name} is in ${status}: some of its resources could not be deleted.`,
      remedy:
        `Delete those resources (see the stack's events), then delete the stack: aws cloudformation delete-stack --stack-name ${name} ` +
        '[--retain-resources <LogicalId> ...].'
    };
  }
  return {
    kind: 'refuse',
    problem: `Stack ${name} is in ${status}, which this action does not know how to deploy over.`,
    remedy: 'Bring the stack to a *_COMPLETE status in the CloudFormation console, then run the step again.'
  };
}

/** The statuses a stack operation ends in, and whether each means the operation succeeded. */
const SUCCEEDED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE', 'DELETE_COMPLETE']);

export function isTerminal(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS');
}

export function succeeded(status: string, operation: 'deploy' | 'delete'): boolean {
  if (operation === 'delete') return status === 'DELETE_COMPLETE';
  return SUCCEEDED.has(status) && status !== 'DELETE_COMPLETE';
}
