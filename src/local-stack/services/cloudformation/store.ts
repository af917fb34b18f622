import { randomUUID } from 'node:crypto';
import type { StateStore } from '../../state.js';
import { changeSetNotFound, stackNotFound } from './errors.js';
import {
  STACK_RESOURCE_TYPE,
  type ChangeSetRecord,
  type CloudFormationDocument,
  type StackEvent,
  type StackRecord
} from './model.js';
import { recordStatusChange } from './operation-log.js';

const DOCUMENT = 'cloudformation';

/** Stacks and change sets in the state store, found the ways CloudFormation's API finds them. */
export class StackStore {
  constructor(private readonly state: StateStore) {}

  private get document(): CloudFormationDocument {
    return this.state.document<CloudFormationDocument>(DOCUMENT, () => ({ stacks: [], changeSets: [] }));
  }

  save(): void {
    this.state.save(DOCUMENT);
  }

  get stacks(): StackRecord[] {
    return this.document.stacks;
  }

  get changeSets(): ChangeSetRecord[] {
    return this.document.changeSets;
  }

  /** By stack id (deleted stacks included) or by name (only the live stack of that name). */
  findStack(region: string, nameOrId: string): StackRecord | undefined {
    if (nameOrId.startsWith('arn:')) return this.stacks.find((stack) => stack.stackId === nameOrId);
    return this.stacks.find(
      (stack) => stack.region === region && stack.stackName === nameOrId && stack.status !== 'DELETE_COMPLETE'
    );
  }

  requireStack(region: string, nameOrId: string): StackRecord {
    const stack = this.findStack(region, nameOrId);
    if (!stack) throw stackNotFound(nameOrId);
    return stack;
  }

  /** By change set ARN, or by name within the stack given by name or id. */
  requireChangeSet(region: string, nameOrArn: string, stackNameOrId: string | undefined): ChangeSetRecord {
    let found: ChangeSetRecord | undefined;
    if (nameOrArn.startsWith('arn:')) {
      found = this.changeSets.find((changeSet) => changeSet.changeSetId === nameOrArn);
    } else {
      const stack = stackNameOrId === undefined ? undefined : this.findStack(region, stackNameOrId);
      found = this.changeSets.find(
        (changeSet) => changeSet.stackId === stack?.stackId && changeSet.changeSetName === nameOrArn
      );
    }
    if (!found) throw changeSetNotFound(nameOrArn);
    return found;
  }

  changeSetsOf(stackId: string): ChangeSetRecord[] {
    return this.changeSets.filter((changeSet) => changeSet.stackId === stackId);
  }

  removeChangeSets(predicate: (changeSet: ChangeSetRecord) => boolean): void {
    const kept = this.changeSets.filter((changeSet) => !predicate(changeSet));
    this.changeSets.splice(0, this.changeSets.length, ...kept);
  }

  /**
   * Adds an event (newest first) and persists, so every step of a deployment survives a restart. The
   * stack's own events (status changes) also move its operations along; every event names its operation.
   */
  addEvent(
    stack: StackRecord,
    event: Omit<StackEvent, 'StackId' | 'StackName' | 'EventId' | 'Timestamp' | 'OperationId'>
  ): void {
    const timestamp = new Date();
    const operation =
      event.ResourceType === STACK_RESOURCE_TYPE && event.LogicalResourceId === stack.stackName
        ? recordStatusChange(stack, event.ResourceStatus, timestamp)
        : stack.operations?.at(-1);
    stack.events.unshift({
      StackId: stack.stackId,
      EventId: randomUUID(),
      StackName: stack.stackName,
      ...(operation && { OperationId: operation.OperationId }),
      Timestamp: timestamp,
      ...(stack.clientRequestToken !== undefined && { ClientRequestToken: stack.clientRequestToken }),
      ...event
    });
    this.save();
  }
}
