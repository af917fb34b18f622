import { validationError } from './errors.js';
import type { StackRecord } from './model.js';
import type { StackStore } from './store.js';

/** One stack output exported under a name (Outputs.<key>.Export.Name), as ListExports shows it. */
export interface StackExport {
  name: string;
  value: string;
  stack: StackRecord;
}

/**
 * Cross-stack references: the exports of the stacks that exist in a region and account, and which stacks
 * import each (Fn::ImportValue). Export names are unique per region and account; an export another stack
 * imports can neither change nor go away, so neither can the stack that exports it.
 */
export class StackExports {
  constructor(private readonly store: StackStore) {}

  /** Every export in the stack's region and account. */
  all(region: string, accountId: string): StackExport[] {
    return this.liveStacks(region, accountId).flatMap((stack) =>
      stack.outputs
        .filter((output) => output.ExportName !== undefined)
        .map((output) => ({ name: output.ExportName!, value: output.OutputValue, stack }))
    );
  }

  /** Names of the stacks that import `name`, other than `except`. */
  importers(region: string, accountId: string, name: string, except?: StackRecord): string[] {
    return this.liveStacks(region, accountId)
      .filter((stack) => stack !== except && (stack.imports ?? []).includes(name))
      .map((stack) => stack.stackName);
  }

  /** Fn::ImportValue for `importer`; each name resolved is added to `imported`. */
  resolver(importer: StackRecord, imported?: Set<string>): (name: string) => string {
    return (name) => {
      const found = this.all(importer.region, importer.accountId).find(
        (entry) => entry.name === name && entry.stack !== importer
      );
      if (!found) throw validationError(`No export named ${name} found.`);
      imported?.add(name);
      return found.value;
    };
  }

  /**
   * Why the stack may not end up with `outputs` (its new outputs after a create or update), or undefined
   * when it may: a name another stack exports, or an export in use that would change or disappear.
   */
  conflict(stack: StackRecord, outputs: StackRecord['outputs']): string | undefined {
    const others = this.all(stack.region, stack.accountId).filter((entry) => entry.stack !== stack);
    for (const output of outputs) {
      const taken = others.find((entry) => entry.name === output.ExportName);
      if (taken)
        return `Export with name ${taken.name} is already exported by stack ${taken.stack.stackName}`;
    }
    for (const output of stack.outputs) {
      if (output.ExportName === undefined) continue;
      const importers = this.importers(stack.region, stack.accountId, output.ExportName, stack);
      if (importers.length === 0) continue;
      const next = outputs.find((candidate) => candidate.ExportName === output.ExportName);
      if (!next) return inUse(output.ExportName, importers);
      if (next.OutputValue !== output.OutputValue) {
        return `Cannot update export ${output.ExportName} as it is in use by ${importers.join(', ')}`;
      }
    }
    return undefined;
  }

  /** Why the stack cannot be deleted (one of its exports is imported), or undefined. */
  deletionConflict(stack: StackRecord): string | undefined {
    return this.conflict(stack, []);
  }

  private liveStacks(region: string, accountId: string): StackRecord[] {
    return this.store.stacks.filter(
      (stack) =>
        stack.region === region && stack.accountId === accountId && stack.status !== 'DELETE_COMPLETE'
    );
  }
}

const inUse = (name: string, importers: string[]) =>
  `Export ${name} cannot be deleted as it is in use by ${importers.join(', ')}`;
