import { randomUUID } from 'node:crypto';
import type {
  CreateChangeSetCommandInput,
  CreateChangeSetCommandOutput,
  DeleteChangeSetCommandInput,
  DeleteChangeSetCommandOutput,
  DescribeChangeSetCommandInput,
  DescribeChangeSetCommandOutput,
  ExecuteChangeSetCommandInput,
  ExecuteChangeSetCommandOutput,
  ListChangeSetsCommandInput,
  ListChangeSetsCommandOutput
} from '@aws-sdk/client-cloudformation';
import {
  defineOperations,
  type OperationTable,
  type RequestContext,
  type TypedOperations,
  type WireInput
} from '../../../wire/types.js';
import { computeChanges } from '../changes.js';
import type { OnFailure } from '../lifecycle/create.js';
import { applyConfiguration } from '../lifecycle/configuration.js';
import { alreadyExists, invalidChangeSetStatus, validationError } from '../errors.js';
import type { ChangeSetRecord, StackRecord } from '../model.js';
import { identityOf } from '../resource-values.js';
import { loadTemplate, type LoadedTemplate } from '../template/load.js';
import { booleanInput, checkName, optionalString, requiredString } from './inputs.js';
import {
  beginOperation,
  callerOf,
  newStack,
  prepareTarget,
  requireUpdatable,
  type CloudFormationRuntime
} from './runtime.js';
import { changeSetSummaryView, changeSetView } from './views.js';

/** Execution statuses after which the change set's name may be used again. */
const EXECUTED = new Set(['EXECUTE_COMPLETE', 'EXECUTE_FAILED']);

export const NO_CHANGES_REASON =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

type Ops = TypedOperations<{
  CreateChangeSet: [CreateChangeSetCommandInput, CreateChangeSetCommandOutput];
  DescribeChangeSet: [DescribeChangeSetCommandInput, DescribeChangeSetCommandOutput];
  ExecuteChangeSet: [ExecuteChangeSetCommandInput, ExecuteChangeSetCommandOutput];
  DeleteChangeSet: [DeleteChangeSetCommandInput, DeleteChangeSetCommandOutput];
  ListChangeSets: [ListChangeSetsCommandInput, ListChangeSetsCommandOutput];
}>;

/** CreateChangeSet, DescribeChangeSet, ExecuteChangeSet, DeleteChangeSet and ListChangeSets. */
export function changeSetOperations(runtime: CloudFormationRuntime): OperationTable {
  const { store, deployments } = runtime;
  /** Parsed templates of change sets not yet executed; after a restart they are loaded again from the record. */
  const templates = new Map<string, LoadedTemplate>();

  const CreateChangeSet: Ops['CreateChangeSet'] = (input, context) => {
    const stackName = requiredString(input, 'StackName');
    const changeSetName = requiredString(input, 'ChangeSetName');
    checkName(changeSetName, 'changeSetName');
    const type = optionalString(input, 'ChangeSetType') ?? 'UPDATE';
    if (type !== 'CREATE' && type !== 'UPDATE') {
      throw validationError(
        `ChangeSetType ${type} is not supported by the local stack; use CREATE or UPDATE.`
      );
    }
    let stack = store.findStack(context.region, stackName);
    if (type === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
        throw validationError(
          `Stack [${stackName}] already exists and cannot be created again with the changeSet [${changeSetName}].`
        );
      }
      if (!stack) checkName(stackName, 'stackName');
    } else {
      if (!stack) throw validationError(`Stack [${stackName}] does not exist`);
      requireUpdatable(stack);
    }
    const sameName = stack
      ? store.changeSetsOf(stack.stackId).filter((changeSet) => changeSet.changeSetName === changeSetName)
      : [];
    // An executed change set no longer holds its name: CloudFormation lets the next one reuse it.
    if (sameName.some((changeSet) => !EXECUTED.has(changeSet.executionStatus))) {
      throw alreadyExists(`ChangeSet [${changeSetName}] already exists`);
    }
    const { loaded, configuration } = prepareTarget(runtime, input, type === 'UPDATE' ? stack : undefined);
    if (!stack) {
      stack = newStack(context, stackName, { ...configuration, templateBody: '', parameters: {} });
      store.stacks.push(stack);
      deployments.setStatus(stack, 'REVIEW_IN_PROGRESS', 'User Initiated');
    }
    const description = optionalString(input, 'Description');
    const onStackFailure = optionalString(input, 'OnStackFailure');
    const changeSet: ChangeSetRecord = {
      ...configuration,
      changeSetId: `arn:aws:cloudformation:${context.region}:${context.accountId}:changeSet/${changeSetName}/${randomUUID()}`,
      changeSetName,
      stackId: stack.stackId,
      stackName: stack.stackName,
      region: context.region,
      type,
      status: 'CREATE_PENDING',
      executionStatus: 'UNAVAILABLE',
      creationTime: new Date(),
      changes: [],
      ...(description !== undefined && { description }),
      ...(onStackFailure !== undefined && { onStackFailure })
    };
    store.removeChangeSets((other) => sameName.includes(other));
    store.changeSets.push(changeSet);
    store.save();
    templates.set(changeSet.changeSetId, loaded);
    const target = stack;
    // As on AWS, the change set is computed after the call returns; clients poll DescribeChangeSet.
    deployments.background(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      changeSet.status = 'CREATE_IN_PROGRESS';
      store.save();
      settleChangeSet(changeSet, target, loaded);
      store.save();
    });
    return { Id: changeSet.changeSetId, StackId: stack.stackId };
  };

  const settleChangeSet = (changeSet: ChangeSetRecord, stack: StackRecord, loaded: LoadedTemplate) => {
    try {
      const { changes, empty } = computeChanges({
        stack: changeSet.type === 'CREATE' ? undefined : stack,
        loaded,
        target: changeSet,
        identity: identityOf(stack, runtime.exports),
        providers: runtime.providers
      });
      changeSet.changes = changes;
      if (empty) {
        changeSet.status = 'FAILED';
        changeSet.statusReason = NO_CHANGES_REASON;
        return;
      }
      changeSet.status = 'CREATE_COMPLETE';
      changeSet.executionStatus = 'AVAILABLE';
    } catch (error) {
      changeSet.status = 'FAILED';
      changeSet.statusReason = error instanceof Error ? error.message : String(error);
    }
  };

  const find = (input: WireInput<{ ChangeSetName: string; StackName: string }>, context: RequestContext) =>
    store.requireChangeSet(
      context.region,
      requiredString(input, 'ChangeSetName'),
      optionalString(input, 'StackName')
    );

  const DescribeChangeSet: Ops['DescribeChangeSet'] = (input, context) => changeSetView(find(input, context));

  const ExecuteChangeSet: Ops['ExecuteChangeSet'] = (input, context) => {
    const changeSet = find(input, context);
    if (changeSet.status !== 'CREATE_COMPLETE' || changeSet.executionStatus !== 'AVAILABLE') {
      const state =
        changeSet.status !== 'CREATE_COMPLETE'
          ? `status of [${changeSet.status}]`
          : `execution status of [${changeSet.executionStatus}]`;
      throw invalidChangeSetStatus(
        `ChangeSet [${changeSet.changeSetId}] cannot be executed in its current ${state}`
      );
    }
    const stack = store.requireStack(context.region, changeSet.stackId);
    const loaded = templates.get(changeSet.changeSetId) ?? loadTemplate(changeSet.templateBody);
    const disableRollback = booleanInput(input, 'DisableRollback') === true;
    let done: Promise<void>;
    if (changeSet.type === 'CREATE') {
      if (stack.status !== 'REVIEW_IN_PROGRESS') {
        throw invalidChangeSetStatus(
          `ChangeSet [${changeSet.changeSetId}] cannot be executed: stack [${stack.stackName}] is in ${stack.status} state`
        );
      }
      applyConfiguration(stack, changeSet);
      const onFailure = (
        disableRollback ? 'DO_NOTHING' : (changeSet.onStackFailure ?? 'ROLLBACK')
      ) as OnFailure;
      stack.disableRollback = onFailure === 'DO_NOTHING';
      stack.changeSetId = changeSet.changeSetId;
      beginOperation(runtime, stack, 'CREATE_IN_PROGRESS', input);
      done = deployments.create(stack, loaded, callerOf(context), onFailure);
    } else {
      requireUpdatable(stack);
      stack.changeSetId = changeSet.changeSetId;
      beginOperation(runtime, stack, 'UPDATE_IN_PROGRESS', input);
      done = deployments.update(stack, loaded, changeSet, callerOf(context), disableRollback);
    }
    changeSet.executionStatus = 'EXECUTE_IN_PROGRESS';
    const operationId = stack.operations?.at(-1)?.OperationId;
    if (operationId !== undefined) changeSet.operationId = operationId;
    // CloudFormation removes a stack's other change sets once one is executed.
    store.removeChangeSets((other) => other.stackId === stack.stackId && other !== changeSet);
    templates.delete(changeSet.changeSetId);
    store.save();
    void done.then(() => {
      changeSet.executionStatus = ['CREATE_COMPLETE', 'UPDATE_COMPLETE'].includes(stack.status)
        ? 'EXECUTE_COMPLETE'
        : 'EXECUTE_FAILED';
      store.save();
    });
    return {};
  };

  const DeleteChangeSet: Ops['DeleteChangeSet'] = (input, context) => {
    const changeSet = find(input, context);
    if (changeSet.executionStatus === 'EXECUTE_IN_PROGRESS') {
      throw invalidChangeSetStatus(
        `ChangeSet [${changeSet.changeSetId}] cannot be deleted while its execution status is EXECUTE_IN_PROGRESS`
      );
    }
    store.removeChangeSets((other) => other === changeSet);
    templates.delete(changeSet.changeSetId);
    store.save();
    return {};
  };

  const ListChangeSets: Ops['ListChangeSets'] = (input, context) => {
    const stack = store.requireStack(context.region, requiredString(input, 'StackName'));
    return { Summaries: store.changeSetsOf(stack.stackId).map(changeSetSummaryView) };
  };

  return defineOperations({
    CreateChangeSet,
    DescribeChangeSet,
    ExecuteChangeSet,
    DeleteChangeSet,
    ListChangeSets
  });
}
