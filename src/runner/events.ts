import { execFileSync } from 'node:child_process';
import type { EventsConfig } from '@actions/workflow-parser/model/workflow-template';

export const EVENTS = ['push', 'pull_request', 'workflow_dispatch', 'schedule'] as const;
export type EventName = (typeof EVENTS)[number];

export type Payload = Record<string, unknown> & {
  action?: string;
  ref?: string;
  after?: string;
  pull_request?: {
    number?: number;
    head?: { ref?: string; sha?: string; repo?: { full_name?: string } };
    base?: { ref?: string; repo?: { full_name?: string } };
  };
  repository?: { full_name?: string; default_branch?: string; [key: string]: unknown };
};

/** What a run knows about its trigger: GitHub's `github` context members that come from the event and git. */
export interface Trigger {
  eventName: EventName;
  payload: Payload;
  repository: string;
  sha: string;
  ref: string;
  refName: string;
  headRef: string;
  baseRef: string;
}

function git(workspace: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: workspace,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).trim();
  } catch {
    return undefined;
  }
}

/** OWNER/REPO from GITHUB_REPOSITORY, else the `origin` remote (https or ssh GitHub-style URL), else the directory. */
export function repositoryName(workspace: string, env: NodeJS.ProcessEnv): string {
  if (env['GITHUB_REPOSITORY']) return env['GITHUB_REPOSITORY'];
  const origin = git(workspace, ['remote', 'get-url', 'origin']);
  const match = origin ? /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(origin) : null;
  if (match) return match[1] as string;
  return `local/${workspace.split('/').filter(Boolean).pop() ?? 'repository'}`;
}

/** The trigger from the payload (if given) and the repository's git state, as GitHub would describe it. */
export function describeTrigger(
  eventName: EventName,
  payload: Payload,
  workspace: string,
  env: NodeJS.ProcessEnv
): Trigger {
  const repository = payload.repository?.full_name ?? repositoryName(workspace, env);
  const head = git(workspace, ['rev-parse', 'HEAD']) ?? '0'.repeat(40);
  const branch = git(workspace, ['symbolic-ref', '--short', '-q', 'HEAD']) ?? 'main';
  const defaultBranch = payload.repository?.default_branch ?? 'main';
  const filled: Payload = {
    ...payload,
    repository: {
      full_name: repository,
      name: repository.split('/')[1],
      owner: { login: repository.split('/')[0] },
      default_branch: defaultBranch,
      ...payload.repository
    }
  };
  if (eventName === 'pull_request') {
    const pr = payload.pull_request ?? {};
    const number = pr.number ?? 1;
    const headRef = pr.head?.ref ?? branch;
    const baseRef = pr.base?.ref ?? defaultBranch;
    filled.action ??= 'opened';
    filled['number'] ??= number;
    filled.pull_request = {
      ...pr,
      number,
      head: { ref: headRef, sha: pr.head?.sha ?? head, repo: { full_name: repository, ...pr.head?.repo } },
      base: { ref: baseRef, repo: { full_name: repository, ...pr.base?.repo } }
    };
    return {
      eventName,
      payload: filled,
      repository,
      sha: pr.head?.sha ?? head,
      ref: `refs/pull/${number}/merge`,
      refName: `${number}/merge`,
      headRef,
      baseRef
    };
  }
  const ref = payload.ref ?? `refs/heads/${branch}`;
  if (eventName === 'push') {
    filled.ref = ref;
    filled.after ??= head;
  }
  return {
    eventName,
    payload: filled,
    repository,
    sha: payload.after ?? head,
    ref,
    refName: ref.replace(/^refs\/(heads|tags)\//, ''),
    headRef: '',
    baseRef: ''
  };
}

/** GitHub's filter pattern syntax (`*`, `**`, `?`, `+`, `[...]`) as a regular expression. */
export function filterPattern(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] as string;
    if (char === '*' && pattern[index + 1] === '*') {
      source += '.*';
      index += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?' || char === '+') source += char;
    else if (char === '[') {
      const end = pattern.indexOf(']', index);
      source += end > index ? pattern.slice(index, end + 1) : '\\[';
      index = end > index ? end : index;
    } else source += char.replace(/[.^$|(){}\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether a name passes include/exclude filters (later `!pattern` entries exclude again). */
function passes(name: string, include: string[] | undefined, ignore: string[] | undefined): boolean {
  if (ignore && ignore.some((pattern) => filterPattern(pattern).test(name))) return false;
  if (!include) return true;
  let matched = false;
  for (const pattern of include) {
    if (pattern.startsWith('!')) {
      if (filterPattern(pattern.slice(1)).test(name)) matched = false;
    } else if (filterPattern(pattern).test(name)) matched = true;
  }
  return matched;
}

const DEFAULT_PULL_REQUEST_TYPES = ['opened', 'synchronize', 'reopened'];

/** Why the workflow's `on:` does not run for this trigger, or undefined when it runs. */
export function triggerMismatch(events: EventsConfig, trigger: Trigger): string | undefined {
  const config = events[trigger.eventName] as
    { branches?: string[]; 'branches-ignore'?: string[]; tags?: string[]; types?: string[] } | undefined;
  if (config === undefined)
    return `it does not run on ${trigger.eventName} (on: ${Object.keys(events).join(', ')})`;
  if (trigger.eventName === 'push' || trigger.eventName === 'pull_request') {
    const branch = trigger.eventName === 'push' ? trigger.refName : trigger.baseRef;
    if (trigger.ref.startsWith('refs/tags/')) {
      if (config.tags ? !passes(trigger.refName, config.tags, undefined) : config.branches !== undefined)
        return `tag ${trigger.refName} does not match its filters`;
    } else if (!passes(branch, config.branches, config['branches-ignore'])) {
      return `branch ${branch} does not match its branch filters`;
    }
  }
  if (trigger.eventName === 'pull_request') {
    const types = config.types ?? DEFAULT_PULL_REQUEST_TYPES;
    const action = trigger.payload.action ?? 'opened';
    if (!types.includes(action)) return `pull_request ${action} is not among its types (${types.join(', ')})`;
  }
  return undefined;
}
