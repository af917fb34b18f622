import type { CallerContext } from '../../wire/invoke.js';
import type { ResourceRecord, RollbackTarget, StackConfiguration, StackRecord } from './model.js';
import { STACK_RESOURCE_TYPE } from './model.js';
import { failedState } from './recover.js';
import { changedProperties, evaluateProperties, sameValue } from './properties.js';
import { deployedValues, identityOf } from './resource-values.js';
import { ResourceFailure, type ResourceProvider, type ResourceRequest } from './resources/types.js';
import type { StackExports } from './exports.js';
import type { StackStore } from './store.js';
import type { EvaluationScope } from './template/intrinsics.js';
import { loadTemplate, type LoadedTemplate } from './template/load.js';
import { evaluateOutputs } from './template/outputs.js';
import { activeResourceIds, createScope } from './template/scope.js';
import type { ResourceDeclaration } from './template/types.js';

export type OnFailure = 'ROLLBACK' | 'DO_NOTHING' | 'DELETE';

export interface DeploymentOptions {
  store: StackStore;
  exports: StackExports;
  providers: Record<string, ResourceProvider>;
}

/** A failure that ends the stack operation; `reason` becomes the stack's status reason. */
class StackOperationFailure extends Error {}

/**
 * Runs stack operations in the background, as CloudFormation does once its API call has returned:
 * resources in dependency order, events for every step, rollback when a resource fails.
 */
export class Deployments {
  private readonly running = new Set<Promise<void>>();
  /** Cancels the running update of a stack, by stack id (CancelUpdateStack). */
  private readonly updateCancellations = new Map<string, AbortController>();

  constructor(private readonly options: DeploymentOptions) {}

  /** Resolves once every operation started so far has finished. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  create(
    stack: StackRecord,
    loaded: LoadedTemplate,
    caller: CallerContext,
    onFailure: OnFailure
  ): Promise<void> {
    return this.launch(stack, () => this.runCreate(stack, loaded, caller, onFailure));
  }

  /** Updates to `target`; the stack's current configuration is what a rollback returns to. */
  update(
    stack: StackRecord,
    loaded: LoadedTemplate,
    target: StackConfiguration,
    caller: CallerContext,
    disableRollback: boolean
  ): Promise<void> {
    return this.launch(stack, () => this.runUpdate(stack, loaded, target, caller, disableRollback));
  }

  /** Stops the stack's running update at its current resource and rolls it back; false if none runs. */
  cancelUpdate(stack: StackRecord): boolean {
    const cancellation = this.updateCancellations.get(stack.stackId);
    if (!cancellation || cancellation.signal.aborted) return false;
    cancellation.abort('Resource update cancelled');
    return true;
  }

  /** Rolls a stack in UPDATE_ROLLBACK_FAILED back again, leaving `skip` resources as they are. */
  continueRollback(stack: StackRecord, caller: CallerContext, skip: Set<string>): Promise<void> {
    return this.launch(stack, () => this.rollBackUpdate(stack, safeOrder(stack), caller, skip));
  }

  delete(stack: StackRecord, caller: CallerContext): Promise<void> {
    return this.launch(stack, () => this.runDelete(stack, caller));
  }

  /** Runs other background work of the service (change set computation) so `settled` waits for it too. */
  background(work: () => Promise<void>): void {
    const promise = work().finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  /** Starts a stack operation; the returned promise settles when it has (it never rejects). */
  private launch(stack: StackRecord, work: () => Promise<void>): Promise<void> {
    const promise = work()
      .catch((error: unknown) => {
        // Only a bug gets here; the stack must still end in a state that says it failed.
        const reason = `Internal failure of the local stack: ${error instanceof Error ? error.message : String(error)}`;
        this.setStatus(stack, failedState(stack.status), reason);
      })
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
    return promise;
  }

  private async runCreate(
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
      const scope = this.scopeFor(stack, loaded, imported);
      const active = activeResourceIds(loaded.template, scope);
      for (const logicalId of loaded.order.filter((id) => active.has(id))) {
        created.push(logicalId);
        await this.createResource(stack, loaded, scope, logicalId, caller, timeout.signal, 'create');
      }
      this.completeOutputs(stack, evaluateOutputs(loaded.template, scope), imported);
      this.setStatus(stack, 'CREATE_COMPLETE');
    } catch (error) {
      const reason = error instanceof StackOperationFailure ? error.message : messageOf(error);
      if (onFailure === 'DO_NOTHING') {
        this.setStatus(stack, 'CREATE_FAILED', reason);
        return;
      }
      const deleting = onFailure === 'DELETE';
      this.setStatus(stack, deleting ? 'DELETE_IN_PROGRESS' : 'ROLLBACK_IN_PROGRESS', rollbackReason(reason));
      const failedDeletes = await this.deleteResources(
        stack,
        created.reverse(),
        caller,
        (record) => record.deletionPolicy === 'Retain'
      );
      if (failedDeletes.length > 0) {
        this.setStatus(
          stack,
          deleting ? 'DELETE_FAILED' : 'ROLLBACK_FAILED',
          deleteFailureReason(failedDeletes)
        );
      } else if (deleting) {
        stack.deletionTime = new Date();
        this.setStatus(stack, 'DELETE_COMPLETE');
      } else {
        this.setStatus(stack, 'ROLLBACK_COMPLETE');
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async runUpdate(
    stack: StackRecord,
    loaded: LoadedTemplate,
    target: StackConfiguration,
    caller: CallerContext,
    disableRollback: boolean
  ): Promise<void> {
    // Saved with the stack, so a rollback can also be continued after a restart.
    const previous: RollbackTarget = {
      configuration: configurationOf(stack),
      outputs: stack.outputs,
      resources: { ...stack.resources }
    };
    stack.rollbackTarget = previous;
    const previousOrder = loadTemplate(previous.configuration.templateBody).order;
    applyConfiguration(stack, target);
    const cancellation = new AbortController();
    this.updateCancellations.set(stack.stackId, cancellation);
    try {
      const imported = new Set<string>();
      const scope = this.scopeFor(stack, loaded, imported);
      const active = activeResourceIds(loaded.template, scope);
      for (const logicalId of loaded.order.filter((id) => active.has(id))) {
        await this.updateResource(stack, loaded, scope, logicalId, caller, cancellation.signal);
      }
      this.updateCancellations.delete(stack.stackId);
      if (cancellation.signal.aborted) throw new StackOperationFailure('Stack update cancelled');
      this.completeOutputs(stack, evaluateOutputs(loaded.template, scope), imported);
      this.setStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      // Old physical resources go in reverse dependency order, dependents first, as CloudFormation deletes.
      const replaced = [...loaded.order]
        .reverse()
        .map((id) => previous.resources[id])
        .filter(
          (before): before is ResourceRecord =>
            before !== undefined && before.physicalId !== stack.resources[before.logicalId]?.physicalId
        );
      const removed = [...previousOrder]
        .reverse()
        .filter((id) => previous.resources[id] !== undefined && !active.has(id));
      await this.deleteRecords(
        stack,
        replaced,
        caller,
        (record) => loaded.template.Resources[record.logicalId]?.UpdateReplacePolicy === 'Retain'
      );
      await this.deleteResources(stack, removed, caller, retainedOnDelete);
      for (const id of removed) delete stack.resources[id];
      for (const id of active) {
        stack.resources[id] = withPolicies(stack.resources[id]!, loaded.template.Resources[id]!);
      }
      delete stack.rollbackTarget;
      this.setStatus(stack, 'UPDATE_COMPLETE');
    } catch (error) {
      this.updateCancellations.delete(stack.stackId);
      const reason = cancellation.signal.aborted
        ? 'Stack update cancelled'
        : error instanceof StackOperationFailure
          ? error.message
          : messageOf(error);
      if (disableRollback) {
        this.setStatus(stack, 'UPDATE_FAILED', reason);
        return;
      }
      this.setStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', reason);
      await this.rollBackUpdate(stack, loaded.order, caller, new Set());
    }
  }

  /**
   * Brings the stack back to its rollback target: resources the update changed are updated back, replaced
   * ones point at their old physical resource again, and what the update created is deleted in the
   * cleanup phase. Resources in `skip` are marked UPDATE_COMPLETE as they are (ContinueUpdateRollback).
   */
  private async rollBackUpdate(
    stack: StackRecord,
    order: string[],
    caller: CallerContext,
    skip: Set<string>
  ): Promise<void> {
    const target = stack.rollbackTarget!;
    const signal = new AbortController().signal;
    const cleanup: ResourceRecord[] = [];
    const others = Object.keys(stack.resources).filter((id) => !order.includes(id));
    for (const logicalId of [...order, ...others].reverse()) {
      const current = stack.resources[logicalId];
      const before = target.resources[logicalId];
      if (!current) continue;
      if (!before) {
        if (current.physicalId !== undefined) cleanup.push(current);
        continue;
      }
      const samePhysical = current.physicalId === before.physicalId;
      const sameProperties = sameValue(current.properties, before.properties);
      if (samePhysical && sameProperties && current.status === before.status) continue;
      if (!samePhysical && current.physicalId !== undefined) cleanup.push(current);
      if (!skip.has(logicalId)) {
        this.resourceEvent(stack, before, 'UPDATE_IN_PROGRESS');
        if (samePhysical && !sameProperties) {
          try {
            await this.providerFor(before.type).update({
              ...this.request(stack, logicalId, before.type, before.properties, caller, signal),
              physicalId: before.physicalId!,
              attributes: before.attributes,
              previousProperties: current.properties
            });
          } catch (error) {
            this.markResource(stack, { ...current, status: 'UPDATE_FAILED' }, messageOf(error));
            this.setStatus(
              stack,
              'UPDATE_ROLLBACK_FAILED',
              `The following resource(s) failed to update: [${logicalId}]. `
            );
            return;
          }
        }
      }
      this.markResource(stack, { ...before, status: 'UPDATE_COMPLETE' });
    }
    applyConfiguration(stack, target.configuration);
    stack.outputs = target.outputs;
    this.setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    const failed = await this.deleteRecords(stack, cleanup, caller, () => false);
    for (const logicalId of Object.keys(stack.resources)) {
      if (!(logicalId in target.resources)) delete stack.resources[logicalId];
    }
    delete stack.rollbackTarget;
    if (failed.length > 0) {
      this.setStatus(stack, 'UPDATE_ROLLBACK_FAILED', deleteFailureReason(failed));
      return;
    }
    this.setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE');
  }

  private async runDelete(stack: StackRecord, caller: CallerContext): Promise<void> {
    const inUse = this.options.exports.deletionConflict(stack);
    if (inUse !== undefined) {
      this.setStatus(stack, 'DELETE_FAILED', inUse);
      return;
    }
    const order = safeOrder(stack);
    const ids = Object.keys(stack.resources).sort((a, b) => order.indexOf(b) - order.indexOf(a));
    const failed = await this.deleteResources(stack, ids, caller, retainedOnDelete);
    if (failed.length > 0) {
      this.setStatus(stack, 'DELETE_FAILED', deleteFailureReason(failed));
      return;
    }
    stack.deletionTime = new Date();
    this.options.store.removeChangeSets((changeSet) => changeSet.stackId === stack.stackId);
    this.setStatus(stack, 'DELETE_COMPLETE');
  }

  /** Creates one resource (on stack create, on update for a new one); failures end the operation. */
  private async createResource(
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
      this.resourceEvent(stack, record, 'CREATE_IN_PROGRESS', undefined, record.properties);
      const provisioned = await this.providerFor(declaration.Type).create(
        this.request(stack, logicalId, declaration.Type, record.properties, caller, signal)
      );
      Object.assign(record, provisioned);
      this.markResource(stack, { ...record, status: 'CREATE_COMPLETE' });
    } catch (error) {
      if (error instanceof ResourceFailure && error.provisioned) Object.assign(record, error.provisioned);
      this.markResource(stack, { ...record, status: 'CREATE_FAILED' }, messageOf(error));
      throw new StackOperationFailure(`The following resource(s) failed to ${verb}: [${logicalId}]. `);
    }
  }

  private async updateResource(
    stack: StackRecord,
    loaded: LoadedTemplate,
    scope: EvaluationScope,
    logicalId: string,
    caller: CallerContext,
    signal: AbortSignal
  ): Promise<void> {
    const existing = stack.resources[logicalId];
    const declaration = loaded.template.Resources[logicalId]!;
    if (!existing) {
      await this.createResource(stack, loaded, scope, logicalId, caller, signal, 'update');
      return;
    }
    let properties: Record<string, unknown> = {};
    let replace = false;
    let provider: ResourceProvider;
    try {
      properties = evaluateProperties(declaration.Properties, scope);
      if (existing.type !== declaration.Type) {
        throw new ResourceFailure(
          `Update of resource type is not permitted. The new template modifies resource type of resource ${logicalId}.`
        );
      }
      const changed = changedProperties(existing.properties, properties);
      if (changed.length === 0) return;
      provider = this.providerFor(existing.type);
      replace = changed.some((name) => provider.requiresReplacement(name));
      const name = provider.nameProperty === undefined ? undefined : properties[provider.nameProperty];
      if (replace && name !== undefined && name === existing.properties[provider.nameProperty!]) {
        throw new ResourceFailure(
          `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${String(name)} and update the stack again.`
        );
      }
    } catch (error) {
      this.markResource(stack, { ...existing, status: 'UPDATE_FAILED' }, messageOf(error));
      throw new StackOperationFailure(`The following resource(s) failed to update: [${logicalId}]. `);
    }
    const record: ResourceRecord = {
      ...existing,
      status: 'UPDATE_IN_PROGRESS',
      timestamp: new Date(),
      properties
    };
    stack.resources[logicalId] = record;
    try {
      if (signal.aborted) throw new ResourceFailure(String(signal.reason));
      if (replace) {
        this.resourceEvent(
          stack,
          record,
          'UPDATE_IN_PROGRESS',
          'Requested update requires the creation of a new physical resource; hence creating one.',
          properties
        );
        delete record.physicalId;
        Object.assign(
          record,
          await provider.create(this.request(stack, logicalId, existing.type, properties, caller, signal))
        );
      } else {
        this.resourceEvent(stack, record, 'UPDATE_IN_PROGRESS', undefined, properties);
        Object.assign(
          record,
          await provider.update({
            ...this.request(stack, logicalId, existing.type, properties, caller, signal),
            physicalId: existing.physicalId!,
            attributes: existing.attributes,
            previousProperties: existing.properties
          })
        );
      }
      this.markResource(stack, { ...record, status: 'UPDATE_COMPLETE' });
    } catch (error) {
      if (error instanceof ResourceFailure && error.provisioned) Object.assign(record, error.provisioned);
      this.markResource(stack, { ...record, status: 'UPDATE_FAILED' }, messageOf(error));
      throw new StackOperationFailure(`The following resource(s) failed to update: [${logicalId}]. `);
    }
  }

  /** Deletes the stack's resources by logical id, in the order given; returns those that failed. */
  /** Deletes the stack's resources by logical id, in the order given; returns those that failed. */
  private async deleteResources(
    stack: StackRecord,
    logicalIds: string[],
    caller: CallerContext,
    retained: (record: ResourceRecord) => boolean
  ): Promise<string[]> {
    const records = logicalIds.map((id) => stack.resources[id]).filter((record) => record !== undefined);
    return this.deleteRecords(stack, records, caller, retained, true);
  }

  /**
   * Deletes physical resources, except the `retained` ones (DeletionPolicy or UpdateReplacePolicy Retain),
   * which are left as they are (DELETE_SKIPPED). `tracked` records are the stack's own (their status
   * changes); the others are leftovers of a replacement, reported in events only.
   */
  private async deleteRecords(
    stack: StackRecord,
    records: ResourceRecord[],
    caller: CallerContext,
    retained: (record: ResourceRecord) => boolean,
    tracked = false
  ): Promise<string[]> {
    const failed: string[] = [];
    const signal = new AbortController().signal;
    for (const record of records) {
      if (record.status === 'DELETE_COMPLETE' || record.status === 'DELETE_SKIPPED') continue;
      const mark = (status: string, reason?: string) =>
        tracked
          ? this.markResource(stack, { ...record, status }, reason)
          : this.resourceEvent(stack, record, status, reason);
      if (record.physicalId !== undefined && retained(record)) {
        mark('DELETE_SKIPPED');
        continue;
      }
      mark('DELETE_IN_PROGRESS');
      if (record.physicalId === undefined) {
        mark('DELETE_COMPLETE');
        continue;
      }
      try {
        await this.providerFor(record.type).delete({
          ...this.request(stack, record.logicalId, record.type, record.properties, caller, signal),
          physicalId: record.physicalId,
          attributes: record.attributes,
          previousProperties: record.properties
        });
        mark('DELETE_COMPLETE');
      } catch (error) {
        mark('DELETE_FAILED', messageOf(error));
        failed.push(record.logicalId);
      }
    }
    return failed;
  }

  /**
   * The outputs a create or update ends with, unless they break a cross-stack reference (an export name
   * taken, an imported export changed or removed): then the operation fails and rolls back.
   */
  private completeOutputs(stack: StackRecord, outputs: StackRecord['outputs'], imported: Set<string>): void {
    const conflict = this.options.exports.conflict(stack, outputs);
    if (conflict !== undefined) throw new StackOperationFailure(conflict);
    stack.outputs = outputs;
    stack.imports = [...imported].sort();
  }

  private scopeFor(stack: StackRecord, loaded: LoadedTemplate, imported?: Set<string>): EvaluationScope {
    return createScope(
      loaded.template,
      stack.parameters,
      identityOf(stack, this.options.exports, imported),
      deployedValues(stack, loaded.template)
    );
  }

  private providerFor(type: string): ResourceProvider {
    const provider = this.options.providers[type];
    if (!provider) throw new ResourceFailure(`Resource type ${type} is not supported by the local stack.`);
    return provider;
  }

  private request(
    stack: StackRecord,
    logicalId: string,
    type: string,
    properties: Record<string, unknown>,
    caller: CallerContext,
    signal: AbortSignal
  ): ResourceRequest {
    return {
      logicalId,
      type,
      properties,
      stackName: stack.stackName,
      stackId: stack.stackId,
      caller,
      signal
    };
  }

  /** Moves the stack to `status` and records the stack event, as every operation's first step does too. */
  setStatus(stack: StackRecord, status: string, reason?: string): void {
    stack.status = status;
    if (reason === undefined) delete stack.statusReason;
    else stack.statusReason = reason;
    if (status.startsWith('UPDATE_')) stack.lastUpdatedTime = new Date();
    this.options.store.addEvent(stack, {
      LogicalResourceId: stack.stackName,
      PhysicalResourceId: stack.stackId,
      ResourceType: STACK_RESOURCE_TYPE,
      ResourceStatus: status,
      ...(reason !== undefined && { ResourceStatusReason: reason })
    });
  }

  /** Stores the resource's new state and records the event for it. */
  private markResource(stack: StackRecord, record: ResourceRecord, reason?: string): void {
    const updated = { ...record, timestamp: new Date() };
    if (reason === undefined) delete updated.statusReason;
    else updated.statusReason = reason;
    stack.resources[record.logicalId] = updated;
    this.resourceEvent(stack, updated, record.status, reason);
  }

  private resourceEvent(
    stack: StackRecord,
    record: ResourceRecord,
    status: string,
    reason?: string,
    properties?: Record<string, unknown>
  ): void {
    this.options.store.addEvent(stack, {
      LogicalResourceId: record.logicalId,
      PhysicalResourceId: record.physicalId ?? '',
      ResourceType: record.type,
      ResourceStatus: status,
      ...(reason !== undefined && { ResourceStatusReason: reason }),
      ...(properties !== undefined && { ResourceProperties: JSON.stringify(properties) })
    });
  }
}

export function configurationOf(stack: StackConfiguration): StackConfiguration {
  return {
    templateBody: stack.templateBody,
    parameters: stack.parameters,
    capabilities: stack.capabilities,
    tags: stack.tags,
    notificationARNs: stack.notificationARNs,
    ...(stack.roleARN !== undefined && { roleARN: stack.roleARN })
  };
}

/** Sets what the stack is deployed from; `configuration` may be a change set, so only its configuration is read. */
export function applyConfiguration(stack: StackRecord, configuration: StackConfiguration): void {
  delete stack.roleARN;
  Object.assign(stack, configurationOf(configuration));
}

/** DeletionPolicy Retain keeps a resource when the stack is deleted or the resource leaves the template. */
const retainedOnDelete = (record: ResourceRecord) =>
  record.deletionPolicy === 'Retain' || record.deletionPolicy === 'RetainExceptOnCreate';

/** The record with the policies the template now declares for it. */
function withPolicies(record: ResourceRecord, declaration: ResourceDeclaration): ResourceRecord {
  const updated = { ...record };
  delete updated.deletionPolicy;
  delete updated.updateReplacePolicy;
  return {
    ...updated,
    ...(declaration.DeletionPolicy !== undefined && { deletionPolicy: declaration.DeletionPolicy }),
    ...(declaration.UpdateReplacePolicy !== undefined && {
      updateReplacePolicy: declaration.UpdateReplacePolicy
    })
  };
}

/** Creation order of the stack's current template; a stack whose template no longer loads deletes in any order. */
function safeOrder(stack: StackRecord): string[] {
  try {
    return loadTemplate(stack.templateBody).order;
  } catch {
    return Object.keys(stack.resources);
  }
}

function rollbackReason(reason: string): string {
  return reason.startsWith('The following resource(s)') ? `${reason}Rollback requested by user.` : reason;
}

function deleteFailureReason(logicalIds: string[]): string {
  return `The following resource(s) failed to delete: [${logicalIds.join(', ')}]. `;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
