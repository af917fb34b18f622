/** CloudFormation's persisted state: stacks (with their resources and events) and change sets. */

export interface Tag {
  Key: string;
  Value: string;
}

export interface ResourceRecord {
  logicalId: string;
  type: string;
  physicalId?: string;
  status: string;
  statusReason?: string;
  timestamp: Date;
  /** The evaluated properties the resource was last created or updated with. */
  properties: Record<string, unknown>;
  attributes: Record<string, unknown>;
  /** The template's DeletionPolicy and UpdateReplacePolicy for it (Delete when absent). */
  deletionPolicy?: string;
  updateReplacePolicy?: string;
}

/** Stored in its wire shape (botocore's StackEvent), newest first. */
export interface StackEvent {
  StackId: string;
  EventId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Timestamp: Date;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  ResourceProperties?: string;
  ClientRequestToken?: string;
  OperationId?: string;
}

/** One operation on a stack (create, update, delete, rollback), as DescribeEvents groups events. */
export interface StackOperation {
  OperationId: string;
  OperationType: 'CREATE_STACK' | 'UPDATE_STACK' | 'DELETE_STACK' | 'ROLLBACK' | 'CONTINUE_ROLLBACK';
  OperationStatus: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  StartTime: Date;
  EndTime?: Date;
  /** The failed operation whose rollback this is. */
  TriggeredBy?: string;
}

export interface OutputRecord {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
  ExportName?: string;
}

/** What a stack was last deployed from, and what a change set or update deploys. */
export interface StackConfiguration {
  templateBody: string;
  parameters: Record<string, string>;
  capabilities: string[];
  tags: Tag[];
  notificationARNs: string[];
  roleARN?: string;
}

export interface StackRecord extends StackConfiguration {
  stackId: string;
  stackName: string;
  region: string;
  accountId: string;
  status: string;
  statusReason?: string;
  creationTime: Date;
  lastUpdatedTime?: Date;
  deletionTime?: Date;
  timeoutInMinutes?: number;
  disableRollback: boolean;
  terminationProtection: boolean;
  outputs: OutputRecord[];
  resources: Record<string, ResourceRecord>;
  events: StackEvent[];
  changeSetId?: string;
  /** The ClientRequestToken of the running operation; its events carry it, as CloudFormation's do. */
  clientRequestToken?: string;
  /** What an update that has not completed rolls back to. */
  rollbackTarget?: RollbackTarget;
  /** The stack's operations, oldest first. */
  operations?: StackOperation[];
  /** Export names the stack's last completed create or update read with Fn::ImportValue. */
  imports?: string[];
}

/** The stack as it was before an update: configuration, outputs and resources. */
export interface RollbackTarget {
  configuration: StackConfiguration;
  outputs: OutputRecord[];
  resources: Record<string, ResourceRecord>;
  /**
   * Physical resources the update created that its rollback still has to delete, saved before the rollback
   * points the records back at the old ones, so a restart does not orphan them.
   */
  leftovers?: ResourceRecord[];
}

/** botocore's Change shape. */
export interface Change {
  Type: 'Resource';
  ResourceChange: {
    Action: 'Add' | 'Modify' | 'Remove';
    LogicalResourceId: string;
    PhysicalResourceId?: string;
    ResourceType: string;
    Replacement?: 'True' | 'False' | 'Conditional';
    PolicyAction?: string;
    Scope: string[];
    Details: ChangeDetail[];
  };
}

export interface ChangeDetail {
  Target: { Attribute: 'Properties'; Name: string; RequiresRecreation: 'Never' | 'Conditionally' | 'Always' };
  Evaluation: 'Static' | 'Dynamic';
  ChangeSource: 'ResourceReference' | 'ParameterReference' | 'ResourceAttribute' | 'DirectModification';
  CausingEntity?: string;
}

export interface ChangeSetRecord extends StackConfiguration {
  changeSetId: string;
  changeSetName: string;
  stackId: string;
  stackName: string;
  region: string;
  type: 'CREATE' | 'UPDATE';
  status: string;
  statusReason?: string;
  executionStatus: string;
  creationTime: Date;
  description?: string;
  onStackFailure?: string;
  changes: Change[];
  /** The operation that executed the change set. */
  operationId?: string;
}

export interface CloudFormationDocument {
  stacks: StackRecord[];
  changeSets: ChangeSetRecord[];
}

export const STACK_RESOURCE_TYPE = 'AWS::CloudFormation::Stack';

/** States a stack settles in; anything else means an operation is running. */
export const isInProgress = (status: string) =>
  status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';

/** States UpdateStack and UPDATE change sets accept. */
export const UPDATABLE_STATUSES = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE']);
