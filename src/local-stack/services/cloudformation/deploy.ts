import type { CallerContext } from '../../wire/invoke.js';
import type { StackConfiguration, StackRecord } from './model.js';
import { failedState } from './recover.js';
import type { ResourceProvider } from './resources/types.js';
import type { StackExports } from './exports.js';
import type { StackStore } from './store.js';
import type { LoadedTemplate } from './template/load.js';
import { createStack, type OnFailure } from './lifecycle/create.js';
import { deleteStack } from './lifecycle/delete.js';
import { rollBackUpdate } from './lifecycle/rollback.js';
import { safeOrder, setStatus, type DeploymentContext } from './lifecycle/steps.js';
import { cleanUpUpdate, updateStack } from './lifecycle/update.js';

export interface DeploymentOptions {
  store: StackStore;
  exports: StackExports;
  providers: Record<string, ResourceProvider>;
}

/**
 * Runs stack operations in the background, as CloudFormation does once its API call has returned (the
 * lifecycle/ modules hold each operation's steps), and keeps track of them: `settled` waits for all,
 * CancelUpdateStack finds the running update.
 */
export class Deployments {
  private readonly running = new Set<Promise<void>>();
  /** Cancels the running update of a stack, by stack id (CancelUpdateStack). */
  private readonly updateCancellations = new Map<string, AbortController>();
  private readonly context: DeploymentContext;

  constructor(options: DeploymentOptions) {
    this.context = { store: options.store, exports: options.exports, providers: options.providers };
  }

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
    return this.launch(stack, () => createStack(this.context, stack, loaded, caller, onFailure));
  }

  /** Updates to `target`; the stack's current configuration is what a rollback returns to. */
  update(
    stack: StackRecord,
    loaded: LoadedTemplate,
    target: StackConfiguration,
    caller: CallerContext,
    disableRollback: boolean
  ): Promise<void> {
    const cancellation = new AbortController();
    this.updateCancellations.set(stack.stackId, cancellation);
    return this.launch(stack, () =>
      updateStack(this.context, stack, loaded, target, caller, disableRollback, cancellation.signal).finally(
        () => this.updateCancellations.delete(stack.stackId)
      )
    );
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
    return this.launch(stack, () => rollBackUpdate(this.context, stack, safeOrder(stack), caller, skip));
  }

  /** Finishes the cleanup phase of an update the local stack stopped in (see recover.ts). */
  resumeCleanup(stack: StackRecord, caller: CallerContext): Promise<void> {
    return this.launch(stack, async () => {
      // Called while the stack starts: the other services, which the cleanup calls, are built after this one.
      await new Promise((resolve) => setImmediate(resolve));
      await cleanUpUpdate(this.context, stack, caller);
    });
  }

  delete(stack: StackRecord, caller: CallerContext): Promise<void> {
    return this.launch(stack, () => deleteStack(this.context, stack, caller));
  }

  /** Runs other background work of the service (change set computation) so `settled` waits for it too. */
  background(work: () => Promise<void>): void {
    const promise = work().finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  /** Moves the stack to `status` and records the stack event, as every operation's first step does too. */
  setStatus(stack: StackRecord, status: string, reason?: string): void {
    setStatus(this.context, stack, status, reason);
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
}
