import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export type StandIn = 'checkout' | 'configure-aws-credentials';

export type ResolvedAction = { kind: 'directory'; dir: string } | { kind: 'stand-in'; name: StandIn };

/** Where actions and called workflows come from on this machine. */
export interface ActionSources {
  /** This package's root: its actions/ and .github/workflows/ serve `modelship/modelship/...@any-ref`. */
  packageRoot: string;
  workspace: string;
  /** `OWNER/REPO@REF` (or `OWNER/REPO`, any ref) → a local directory, from --action-dir. */
  actionDirs: Record<string, string>;
}

const STAND_INS: Record<string, StandIn> = {
  'actions/checkout': 'checkout',
  'aws-actions/configure-aws-credentials': 'configure-aws-credentials'
};

interface RemoteReference {
  repository: string;
  path: string;
  ref: string;
}

function remote(uses: string): RemoteReference | undefined {
  const match = /^([^/@\s]+\/[^/@\s]+)((?:\/[^@\s]+)?)@(\S+)$/.exec(uses);
  if (!match) return undefined;
  return {
    repository: match[1] as string,
    path: (match[2] ?? '').replace(/^\//, ''),
    ref: match[3] as string
  };
}

/** The local directory standing for OWNER/REPO@REF, or undefined. */
function mappedRoot(reference: RemoteReference, sources: ActionSources): string | undefined {
  const mapped =
    sources.actionDirs[`${reference.repository}@${reference.ref}`] ??
    sources.actionDirs[reference.repository];
  if (mapped !== undefined) return isAbsolute(mapped) ? mapped : resolve(sources.workspace, mapped);
  if (reference.repository === 'modelship/modelship') return sources.packageRoot;
  return undefined;
}

function notMapped(uses: string, reference: RemoteReference): Error {
  return new Error(
    `'${uses}' is not available on this machine. Map it to a checkout of ${reference.repository} at ` +
      `${reference.ref}: --action-dir ${reference.repository}@${reference.ref}=DIR`
  );
}

/** Resolves a step's `uses:` to an action directory (with action.yml) or a built-in stand-in. */
export function resolveAction(uses: string, sources: ActionSources): ResolvedAction {
  if (uses.startsWith('docker://'))
    throw new Error(`'${uses}': Docker container actions are not supported by modelship run.`);
  const dir = uses.startsWith('./') ? join(sources.workspace, uses) : undefined;
  const reference = dir === undefined ? remote(uses) : undefined;
  if (dir === undefined && reference === undefined)
    throw new Error(`'${uses}' is not an action reference (expected ./PATH or OWNER/REPO[/PATH]@REF).`);
  let actionDir = dir;
  if (reference) {
    const root = mappedRoot(reference, sources);
    if (root === undefined) {
      const standIn = STAND_INS[reference.repository];
      if (standIn && reference.path === '') return { kind: 'stand-in', name: standIn };
      throw notMapped(uses, reference);
    }
    actionDir = join(root, reference.path);
  }
  const found = ['action.yml', 'action.yaml'].some((name) => existsSync(join(actionDir as string, name)));
  if (!found) throw new Error(`'${uses}': no action.yml in ${actionDir}.`);
  return { kind: 'directory', dir: actionDir as string };
}

/** Resolves a job's `uses:` (a reusable workflow) to the workflow file on this machine. */
export function resolveWorkflow(uses: string, sources: ActionSources): string {
  if (uses.startsWith('./')) return join(sources.workspace, uses);
  const reference = remote(uses);
  if (!reference || !/^\.github\/workflows\/[^/]+\.ya?ml$/.test(reference.path))
    throw new Error(
      `'${uses}' is not a reusable workflow reference (expected ./.github/workflows/X.yml or OWNER/REPO/.github/workflows/X.yml@REF).`
    );
  const root = mappedRoot(reference, sources);
  if (root === undefined) throw notMapped(uses, reference);
  return join(root, reference.path);
}
