import type {
  CancelUpdateStackCommandInput,
  CancelUpdateStackCommandOutput,
  ContinueUpdateRollbackCommandInput,
  ContinueUpdateRollbackCommandOutput,
  CreateStackCommandInput,
  CreateStackCommandOutput,
  DeleteStackCommandInput,
  DeleteStackCommandOutput,
  UpdateStackCommandInput,
  UpdateStackCommandOutput,
  UpdateTerminationProtectionCommandInput,
  UpdateTerminationProtectionCommandOutput
} from '@aws-sdk/client-cloudformation';
import { defineOperations, type OperationTable, type TypedOperations } from '../../../wire/types.js';
import { computeChanges } from '../changes.js';
import { alreadyExists, validationError } from '../errors.js';
import { isInProgress } from '../model.js';
import { identityOf } from '../resource-values.js';
import {
  booleanInput,
  checkName,
  integerInput,
  stringListInput,
  optionalString,
  requiredString
} from './inputs.js';
import {
  beginOperation,
  callerOf,
  newStack,
  prepareTarget,
  requireUpdatable,
  type CloudFormationRuntime
} from './runtime.js';

const ON_FAILURE = new Set(['ROLLBACK', 'DO_NOTHING', 'DELETE']);

type Ops = TypedOperations<{
  CreateStack: [CreateStackCommandInput, CreateStackCommandOutput];
  UpdateStack: [UpdateStackCommandInput, UpdateStackCommandOutput];
  CancelUpdateStack: [CancelUpdateStackCommandInput, CancelUpdateStackCommandOutput];
  ContinueUpdateRollback: [ContinueUpdateRollbackCommandInput, ContinueUpdateRollbackCommandOutput];
  DeleteStack: [DeleteStackCommandInput, DeleteStackCommandOutput];
  UpdateTerminationProtection: [
    UpdateTerminationProtectionCommandInput,
    UpdateTerminationProtectionCommandOutput
  ];
}>;

/** CreateStack, UpdateStack, CancelUpdateStack, ContinueUpdateRollback, DeleteStack, UpdateTerminationProtection. */
export function stackOperations(runtime: CloudFormationRuntime): OperationTable {
  const { store, deployments } = runtime;

  const CreateStack: Ops['CreateStack'] = (input, context) => {
    const stackName = requiredString(input, 'StackName');
    checkName(stackName, 'stackName');
    if (store.findStack(context.region, stackName))
      throw alreadyExists(`Stack [${stackName}] already exists`);
    const onFailureInput = optionalString(input, 'OnFailure');
    const disableRollback = booleanInput(input, 'DisableRollback') === true;
    if (onFailureInput !== undefined && !ON_FAILURE.has(onFailureInput)) {
      throw validationError(
        `1 validation error detected: Value '${onFailureInput}' at 'onFailure' failed to satisfy constraint: Member must satisfy enum value set: [DO_NOTHING, ROLLBACK, DELETE]`
      );
    }
    if (onFailureInput !== undefined && input.DisableRollback !== undefined) {
      throw validationError('You cannot specify both DisableRollback and OnFailure.');
    }
    const { loaded, configuration } = prepareTarget(runtime, input, undefined);
    const stack = newStack(context, stackName, configuration);
    const timeoutInMinutes = integerInput(input, 'TimeoutInMinutes');
    if (timeoutInMinutes !== undefined) stack.timeoutInMinutes = timeoutInMinutes;
    const onFailure = onFailureInput ?? (disableRollback ? 'DO_NOTHING' : 'ROLLBACK');
    stack.disableRollback = onFailure === 'DO_NOTHING';
    stack.terminationProtection = booleanInput(input, 'EnableTerminationProtection') === true;
    store.stacks.push(stack);
    beginOperation(runtime, stack, 'CREATE_IN_PROGRESS', input);
    void deployments.create(
      stack,
      loaded,
      callerOf(context),
      onFailure as 'ROLLBACK' | 'DO_NOTHING' | 'DELETE'
    );
    return { StackId: stack.stackId, OperationId: stack.operations?.at(-1)?.OperationId };
  };

  const UpdateStack: Ops['UpdateStack'] = (input, context) => {
    const stack = store.requireStack(context.region, requiredString(input, 'StackName'));
    requireUpdatable(stack);
    const { loaded, configuration } = prepareTarget(runtime, input, stack);
    const { empty } = computeChanges({
      stack,
      loaded,
      target: configuration,
      identity: identityOf(stack, runtime.exports),
      providers: runtime.providers
    });
    if (empty) throw validationError('No updates are to be performed.');
    // Change sets computed against the stack as it was no longer describe what they would do.
    for (const changeSet of store.changeSetsOf(stack.stackId)) {
      if (changeSet.executionStatus === 'AVAILABLE') changeSet.executionStatus = 'OBSOLETE';
    }
    beginOperation(runtime, stack, 'UPDATE_IN_PROGRESS', input);
    void deployments.update(
      stack,
      loaded,
      configuration,
      callerOf(context),
      booleanInput(input, 'DisableRollback') === true
    );
    return { StackId: stack.stackId, OperationId: stack.operations?.at(-1)?.OperationId };
  };

  const DeleteStack: Ops['DeleteStack'] = (input, context) => {
    const stack = store.findStack(context.region, requiredString(input, 'StackName'));
    if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return {};
    if (stack.terminationProtection) {
      throw validationError(
        `Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`
      );
    }
    if (isInProgress(stack.status)) {
      throw validationError(`Stack [${stack.stackName}] cannot be deleted while in status ${stack.status}`);
    }
    beginOperation(runtime, stack, 'DELETE_IN_PROGRESS', input);
    void deployments.delete(stack, callerOf(context));
    return {};
  };

  const UpdateTerminationProtection: Ops['UpdateTerminationProtection'] = (input, context) => {
    const stack = store.requireStack(context.region, requiredString(input, 'StackName'));
    const enable = booleanInput(input, 'EnableTerminationProtection');
    if (enable === undefined) {
      throw validationError(
        "1 validation error detected: Value null at 'enableTerminationProtection' failed to satisfy constraint: Member must not be null"
      );
    }
    stack.terminationProtection = enable;
    store.save();
    return { StackId: stack.stackId };
  };

  const CancelUpdateStack: Ops['CancelUpdateStack'] = (input, context) => {
    const stack = store.requireStack(context.region, requiredString(input, 'StackName'));
    if (stack.status !== 'UPDATE_IN_PROGRESS' || !deployments.cancelUpdate(stack)) {
      throw validationError('CancelUpdateStack cannot be called from current stack status');
    }
    return {};
  };

  const ContinueUpdateRollback: Ops['ContinueUpdateRollback'] = (input, context) => {
    const stack = store.requireStack(context.region, requiredString(input, 'StackName'));
    if (stack.status !== 'UPDATE_ROLLBACK_FAILED' || !stack.rollbackTarget) {
      throw validationError('ContinueUpdateRollback cannot be called from current stack status');
    }
    beginOperation(runtime, stack, 'UPDATE_ROLLBACK_IN_PROGRESS', input);
    void deployments.continueRollback(
      stack,
      callerOf(context),
      new Set(stringListInput(input, 'ResourcesToSkip'))
    );
    return {};
  };

  return defineOperations({
    CreateStack,
    UpdateStack,
    CancelUpdateStack,
    ContinueUpdateRollback,
    DeleteStack,
    UpdateTerminationProtection
  });
}
