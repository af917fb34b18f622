import { randomUUID } from 'node:crypto';
import type { StackOperation, StackRecord } from './model.js';

/** Stack statuses that begin an operation, and its OperationType (botocore's enum). */
const BEGINS: Record<string, StackOperation['OperationType']> = {
  CREATE_IN_PROGRESS: 'CREATE_STACK',
  UPDATE_IN_PROGRESS: 'UPDATE_STACK',
  DELETE_IN_PROGRESS: 'DELETE_STACK',
  ROLLBACK_IN_PROGRESS: 'ROLLBACK',
  UPDATE_ROLLBACK_IN_PROGRESS: 'ROLLBACK'
};

/** Statuses that neither begin nor end an operation. */
const CONTINUING = new Set([
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'REVIEW_IN_PROGRESS'
]);

/**
 * Keeps the stack's operations (what DescribeEvents groups events by, and Stack.LastOperations shows) in
 * step with its status: a status such as UPDATE_IN_PROGRESS begins one, a settled status ends it. A
 * rollback CloudFormation starts after a failure is an operation of its own, triggered by the failed one;
 * a rollback started by ContinueUpdateRollback is CONTINUE_ROLLBACK. Returns the operation the status
 * change belongs to.
 */
export function recordStatusChange(stack: StackRecord, status: string, at: Date): StackOperation | undefined {
  const operations = (stack.operations ??= []);
  const current = operations.at(-1);
  const running = current?.OperationStatus === 'IN_PROGRESS' ? current : undefined;
  const begins = BEGINS[status];
  if (begins !== undefined) {
    if (running) {
      running.OperationStatus = 'FAILED';
      running.EndTime = at;
    }
    const continued = status === 'UPDATE_ROLLBACK_IN_PROGRESS' && !running;
    const operation: StackOperation = {
      OperationId: randomUUID(),
      OperationType: continued ? 'CONTINUE_ROLLBACK' : begins,
      OperationStatus: 'IN_PROGRESS',
      StartTime: at,
      ...(running && { TriggeredBy: running.OperationId })
    };
    operations.push(operation);
    return operation;
  }
  if (running && !CONTINUING.has(status)) {
    running.OperationStatus = status.endsWith('_FAILED') ? 'FAILED' : 'SUCCEEDED';
    running.EndTime = at;
  }
  return current;
}

/** Stack.LastOperations: the latest operation, and the one that triggered it (a failed update, say). */
export function lastOperations(stack: StackRecord): Pick<StackOperation, 'OperationType' | 'OperationId'>[] {
  const last = stack.operations?.at(-1);
  if (!last) return [];
  const trigger = stack.operations?.find((operation) => operation.OperationId === last.TriggeredBy);
  return [last, ...(trigger ? [trigger] : [])].map(({ OperationType, OperationId }) => ({
    OperationType,
    OperationId
  }));
}
