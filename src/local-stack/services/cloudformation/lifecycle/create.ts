import type { CallerContext } from '../../../wire/invoke.js';
import type { ResourceRecord, StackRecord } from '../model.js';
import { evaluateProperties } from '../properties.js';
import { ResourceFailure } from '../resources/types.js';
import type { EvaluationScope } from '../template/intrinsics.js';
import type { LoadedTemplate } from '../template/load.js';
import { evaluateOutputs } from '../template/outputs.js';
import { activeResourceIds } from '../template/scope.js';
import { deleteFailureReason, deleteResources } from './delete.js';
import {
  markResource,
  messageOf,
  providerFor,
  resourceEvent,
  resourceRequest,
  completeOutputs,
  scopeFor,
  setStatus,
  StackOperationFailure,
  withPolicies,
  type DeploymentContext
} from './steps.js';

export type OnFailure = 'ROLLBACK' | 'DO_NOTHING' | 'DELETE';

/**
 * CreateStack: resources in dependency order within the stack's timeout; on a failure, the stack ends
 * as `onFailure` asks (kept as it is, rolled back, or deleted).
 */
export async function createStack(
  context: DeploymentContext,
  stack: StackRecord,
  loaded: LoadedTemplate,
  caller: CallerContext,
  onFailure: OnFailure
): Promise<void> {
  const timeout = new AbortController();
  const timer =
    stack.timeoutInMinutes === undefined
      ? undefined
      : setTimeout(
          () =>
            timeout.abort(
              `Resource creation cancelled: the stack exceeded its ${stack.timeoutInMinutes}-minute timeout`
            ),
          stack.timeoutInMinutes * 60_000
        );
  const created: string[] = [];
  try {
    const imported = new Set<string>();
    const scope = scopeFor(context, stack, loaded, imported);
    const active = activeResourceIds(loaded.template, scope);
    for (const logicalId of loaded.order.filter((id) => active.has(id))) {
      created.push(logicalId);
      await createResource(context, stack, loaded, scope, logicalId, caller, timeout.signal, 'create');
    }
    completeOutputs(context, stack, evaluateOutputs(loaded.template, scope), imported);
    setStatus(context, stack, 'CREATE_COMPLETE');
  } catch (error) {
    const reason = error instanceof StackOperationFailure ? error.message : messageOf(error);
    if (onFailure === 'DO_NOTHING') {
      setStatus(context, stack, 'CREATE_FAILED', reason);
      return;
    }
    const deleting = onFailure === 'DELETE';
    setStatus(
      context,
      stack,
      deleting ? 'DELETE_IN_PROGRESS' : 'ROLLBACK_IN_PROGRESS',
      rollbackReason(reason)
    );
    const failedDeletes = await deleteResources(
      context,
      stack,
      created.reverse(),
      caller,
      (record) => record.deletionPolicy === 'Retain'
    );
    if (failedDeletes.length > 0) {
      setStatus(
        context,
        stack,
        deleting ? 'DELETE_FAILED' : 'ROLLBACK_FAILED',
        deleteFailureReason(failedDeletes)
      );
    } else if (deleting) {
      stack.deletionTime = new Date();
      setStatus(context, stack, 'DELETE_COMPLETE');
    } else {
      setStatus(context, stack, 'ROLLBACK_COMPLETE');
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Creates one resource (on stack create, on update for a new one); failures end the operation. */
export async function createResource(
  context: DeploymentContext,
  stack: StackRecord,
  loaded: LoadedTemplate,
  scope: EvaluationScope,
  logicalId: string,
  caller: CallerContext,
  signal: AbortSignal,
  verb: 'create' | 'update'
): Promise<void> {
  const declaration = loaded.template.Resources[logicalId]!;
  const record = withPolicies(
    {
      logicalId,
      type: declaration.Type,
      status: 'CREATE_IN_PROGRESS',
      timestamp: new Date(),
      properties: {},
      attributes: {}
    },
    declaration
  );
  stack.resources[logicalId] = record;
  try {
    if (signal.aborted) throw new ResourceFailure(String(signal.reason));
    record.properties = evaluateProperties(declaration.Properties, scope);
    resourceEvent(context, stack, record, 'CREATE_IN_PROGRESS', undefined, record.properties);
    await provision(context, stack, record, caller, signal);
    markResource(context, stack, { ...record, status: 'CREATE_COMPLETE' });
  } catch (error) {
    markResource(context, stack, { ...record, status: 'CREATE_FAILED' }, messageOf(error));
    throw new StackOperationFailure(`The following resource(s) failed to ${verb}: [${logicalId}]. `);
  }
}

/**
 * Creates the physical resource of `record` (the stack's live record) from its properties. The handler
 * claims the resource's identity before the call that creates it, and the claim is saved at once: a
 * local stack killed while the resource is being made still knows it after the restart, so DeleteStack
 * or a rollback removes it. A handler failure that created nothing drops the claim; one that reports
 * what exists despite the failure (ResourceFailure.provisioned) leaves that.
 */
export async function provision(
  context: DeploymentContext,
  stack: StackRecord,
  record: ResourceRecord,
  caller: CallerContext,
  signal: AbortSignal
): Promise<void> {
  const unclaimed = record.attributes;
  try {
    const provisioned = await providerFor(context, record.type).create({
      ...resourceRequest(stack, record.logicalId, record.type, record.properties, caller, signal),
      claim: (resource) => {
        Object.assign(record, resource);
        context.store.save();
      }
    });
    Object.assign(record, provisioned);
  } catch (error) {
    if (error instanceof ResourceFailure) {
      delete record.physicalId;
      record.attributes = unclaimed;
      if (error.provisioned) Object.assign(record, error.provisioned);
    }
    throw error;
  }
}

function rollbackReason(reason: string): string {
  return reason.startsWith('The following resource(s)') ? `${reason}Rollback requested by user.` : reason;
}
