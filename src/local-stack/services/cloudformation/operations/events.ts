import type {
  DescribeEventsCommandInput,
  DescribeEventsCommandOutput,
  EventFilter,
  OperationEvent,
  ResourceStatus
} from '@aws-sdk/client-cloudformation';
import { defineOperations, wireMembers, type OperationTable } from '../../../wire/types.js';
import { validationError } from '../errors.js';
import { STACK_RESOURCE_TYPE, type StackEvent, type StackOperation, type StackRecord } from '../model.js';
import { optionalString } from './inputs.js';
import type { CloudFormationRuntime } from './runtime.js';

const EVENTS_PAGE = 100;

type EventOperations = {
  DescribeEvents: [DescribeEventsCommandInput, DescribeEventsCommandOutput];
};

/**
 * DescribeEvents, the events API grouped by operation: a stack's events, one operation's (OperationId),
 * or those of the operation that executed a change set and of the rollback it triggered (ChangeSetName).
 * Filters.FailedEvents keeps only failures.
 */
export function eventOperations(runtime: CloudFormationRuntime): OperationTable {
  const { store } = runtime;

  return defineOperations<EventOperations>({
    DescribeEvents: (input, context) => {
      const stackName = optionalString(input, 'StackName');
      const changeSetName = optionalString(input, 'ChangeSetName');
      const operationId = optionalString(input, 'OperationId');
      let stack: StackRecord;
      let operations: Set<string> | undefined;
      if (changeSetName !== undefined) {
        const changeSet = store.requireChangeSet(context.region, changeSetName, stackName);
        stack = store.requireStack(context.region, changeSet.stackId);
        const executed = changeSet.operationId;
        operations = new Set(
          (stack.operations ?? [])
            .filter(
              (operation) =>
                executed !== undefined && [operation.OperationId, operation.TriggeredBy].includes(executed)
            )
            .map((operation) => operation.OperationId)
        );
      } else if (operationId !== undefined) {
        const owner = store.stacks.find(
          (candidate) =>
            candidate.region === context.region &&
            (stackName === undefined || [candidate.stackName, candidate.stackId].includes(stackName)) &&
            candidate.operations?.some((operation) => operation.OperationId === operationId)
        );
        if (!owner) throw validationError(`Operation ${operationId} does not exist`);
        stack = owner;
        operations = new Set([operationId]);
      } else if (stackName !== undefined) {
        stack = store.requireStack(context.region, stackName);
      } else {
        throw validationError('One of ChangeSetName, OperationId or StackName must be specified.');
      }
      const { FailedEvents } = wireMembers<EventFilter>(input.Filters);
      const failedOnly = FailedEvents === true || FailedEvents === 'true';
      const events = stack.events.filter(
        (event) =>
          (operations === undefined ||
            (event.OperationId !== undefined && operations.has(event.OperationId))) &&
          (!failedOnly || event.ResourceStatus.endsWith('_FAILED'))
      );
      const start = Number(optionalString(input, 'NextToken') ?? '0');
      if (!Number.isInteger(start) || start < 0)
        throw validationError('NextToken is not a token DescribeEvents returned.');
      const page = events.slice(start, start + EVENTS_PAGE);
      const byId = new Map((stack.operations ?? []).map((operation) => [operation.OperationId, operation]));
      return {
        OperationEvents: page.map((event) => operationEvent(stack, event, byId.get(event.OperationId ?? ''))),
        NextToken: start + EVENTS_PAGE < events.length ? String(start + EVENTS_PAGE) : undefined
      };
    }
  });
}

/** botocore's OperationEvent for a stored stack event. */
function operationEvent(
  stack: StackRecord,
  event: StackEvent,
  operation: StackOperation | undefined
): OperationEvent {
  const stackLevel =
    event.ResourceType === STACK_RESOURCE_TYPE && event.LogicalResourceId === stack.stackName;
  return {
    EventId: event.EventId,
    StackId: event.StackId,
    OperationId: event.OperationId,
    OperationType: operation?.OperationType,
    OperationStatus: operation?.OperationStatus,
    EventType: stackLevel
      ? 'STACK_EVENT'
      : event.ResourceStatus.endsWith('_FAILED')
        ? 'PROVISIONING_ERROR'
        : 'PROGRESS_EVENT',
    LogicalResourceId: event.LogicalResourceId,
    PhysicalResourceId: event.PhysicalResourceId,
    ResourceType: event.ResourceType,
    Timestamp: event.Timestamp,
    ResourceStatus: event.ResourceStatus as ResourceStatus,
    ResourceStatusReason: event.ResourceStatusReason,
    ResourceProperties: event.ResourceProperties,
    ClientRequestToken: event.ClientRequestToken
  };
}
