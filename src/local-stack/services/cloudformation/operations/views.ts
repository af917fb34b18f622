import type {
  Capability,
  Change,
  ChangeSetStatus,
  ChangeSetSummary,
  DescribeChangeSetCommandOutput,
  ExecutionStatus,
  OnStackFailure,
  Parameter,
  ResourceStatus,
  Stack,
  StackEvent,
  StackResource,
  StackResourceSummary,
  StackStatus,
  StackSummary
} from '@aws-sdk/client-cloudformation';
import type { WireOutput } from '../../../wire/types.js';
import type {
  ChangeSetRecord,
  ResourceRecord,
  StackEvent as StackEventRecord,
  StackRecord
} from '../model.js';
import { lastOperations } from '../operation-log.js';
import { isNoEcho } from '../template/parameters.js';
import { parseTemplate } from '../template/parse.js';

/**
 * The wire shapes of botocore's cloudformation model (the SDK's types), built from the stored records.
 * Records keep statuses and capabilities as the plain strings CloudFormation's lifecycle sets, always
 * values of the SDK's enums.
 */

const NOT_CHECKED = { StackDriftStatus: 'NOT_CHECKED' } as const;

/** Parameters as DescribeStacks and DescribeChangeSet show them: NoEcho values as ****. */
export function parameterList(templateBody: string, values: Record<string, string>): Parameter[] {
  const declarations = parsedOrEmpty(templateBody)?.Parameters ?? {};
  return Object.entries(values).map(([key, value]) => {
    const declaration = declarations[key];
    return { ParameterKey: key, ParameterValue: declaration && isNoEcho(declaration) ? '****' : value };
  });
}

/** A stack in REVIEW_IN_PROGRESS has no template yet. */
function parsedOrEmpty(templateBody: string) {
  try {
    return parseTemplate(templateBody);
  } catch {
    return undefined;
  }
}

export function stackView(stack: StackRecord): Stack {
  return {
    StackId: stack.stackId,
    StackName: stack.stackName,
    ChangeSetId: stack.changeSetId,
    Description: parsedOrEmpty(stack.templateBody)?.Description,
    Parameters: parameterList(stack.templateBody, stack.parameters),
    CreationTime: stack.creationTime,
    DeletionTime: stack.deletionTime,
    LastUpdatedTime: stack.lastUpdatedTime,
    RollbackConfiguration: {},
    StackStatus: stack.status as StackStatus,
    StackStatusReason: stack.statusReason,
    DisableRollback: stack.disableRollback,
    NotificationARNs: stack.notificationARNs,
    TimeoutInMinutes: stack.timeoutInMinutes,
    Capabilities: stack.capabilities as Capability[],
    Outputs: stack.outputs,
    RoleARN: stack.roleARN,
    Tags: stack.tags,
    EnableTerminationProtection: stack.terminationProtection,
    DriftInformation: NOT_CHECKED,
    LastOperations: stack.operations ? lastOperations(stack) : undefined
  };
}

export function stackSummaryView(stack: StackRecord): StackSummary {
  return {
    StackId: stack.stackId,
    StackName: stack.stackName,
    TemplateDescription: parsedOrEmpty(stack.templateBody)?.Description,
    CreationTime: stack.creationTime,
    LastUpdatedTime: stack.lastUpdatedTime,
    DeletionTime: stack.deletionTime,
    StackStatus: stack.status as StackStatus,
    StackStatusReason: stack.statusReason,
    DriftInformation: NOT_CHECKED
  };
}

export function eventView(event: StackEventRecord): StackEvent {
  return { ...event, ResourceStatus: event.ResourceStatus as ResourceStatus };
}

export function resourceView(
  stack: StackRecord,
  record: ResourceRecord
): StackResource & { Timestamp: Date } {
  return {
    StackName: stack.stackName,
    StackId: stack.stackId,
    LogicalResourceId: record.logicalId,
    PhysicalResourceId: record.physicalId,
    ResourceType: record.type,
    Timestamp: record.timestamp,
    ResourceStatus: record.status as ResourceStatus,
    ResourceStatusReason: record.statusReason,
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' }
  };
}

export function resourceSummaryView(record: ResourceRecord): StackResourceSummary {
  return {
    LogicalResourceId: record.logicalId,
    PhysicalResourceId: record.physicalId,
    ResourceType: record.type,
    LastUpdatedTimestamp: record.timestamp,
    ResourceStatus: record.status as ResourceStatus,
    ResourceStatusReason: record.statusReason,
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' }
  };
}

export function changeSetSummaryView(changeSet: ChangeSetRecord): ChangeSetSummary {
  return {
    StackId: changeSet.stackId,
    StackName: changeSet.stackName,
    ChangeSetId: changeSet.changeSetId,
    ChangeSetName: changeSet.changeSetName,
    ExecutionStatus: changeSet.executionStatus as ExecutionStatus,
    Status: changeSet.status as ChangeSetStatus,
    StatusReason: changeSet.statusReason,
    CreationTime: changeSet.creationTime,
    Description: changeSet.description,
    IncludeNestedStacks: false
  };
}

export function changeSetView(changeSet: ChangeSetRecord): WireOutput<DescribeChangeSetCommandOutput> {
  return {
    ...changeSetSummaryView(changeSet),
    Parameters: parameterList(changeSet.templateBody, changeSet.parameters),
    NotificationARNs: changeSet.notificationARNs,
    RollbackConfiguration: {},
    Capabilities: changeSet.capabilities as Capability[],
    Tags: changeSet.tags,
    Changes: changeSet.changes as Change[],
    OnStackFailure: changeSet.onStackFailure as OnStackFailure | undefined
  };
}
