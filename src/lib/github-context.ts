import { readFileSync } from 'node:fs';

/** What the actions need to know about the workflow run, read from the runner's GITHUB_* variables. */
export interface GitHubContext {
  repository: string;
  serverUrl: string;
  /** GitHub's REST API of the run (GITHUB_API_URL: GitHub Enterprise Server and stand-ins have their own). */
  apiUrl?: string;
  sha: string;
  ref: string;
  refName: string;
  eventName: string;
  runId: string;
  runAttempt: string;
  workspace: string;
  pullRequestNumber?: number;
  /** The branch a pull request comes from (GITHUB_HEAD_REF), or the pushed branch. */
  branch?: string;
  defaultBranch?: string;
  /** Who started the run, or re-ran it (GITHUB_TRIGGERING_ACTOR, else GITHUB_ACTOR). */
  actor?: string;
}

interface EventPayload {
  pull_request?: { number?: number };
  number?: number;
  repository?: { default_branch?: string };
}

export function readGitHubContext(env: NodeJS.ProcessEnv = process.env): GitHubContext {
  const payload = readEventPayload(env['GITHUB_EVENT_PATH']);
  const ref = env['GITHUB_REF'] ?? '';
  const eventName = env['GITHUB_EVENT_NAME'] ?? '';
  const pullRequestNumber = payload.pull_request?.number ?? pullRequestFromRef(ref);
  const headRef = env['GITHUB_HEAD_REF'];
  const branch = headRef
    ? headRef
    : ref.startsWith('refs/heads/')
      ? ref.slice('refs/heads/'.length)
      : undefined;
  const defaultBranch = payload.repository?.default_branch;
  const actor = env['GITHUB_TRIGGERING_ACTOR'] || env['GITHUB_ACTOR'];
  return {
    repository: env['GITHUB_REPOSITORY'] ?? '',
    serverUrl: env['GITHUB_SERVER_URL'] ?? 'https://github.com',
    apiUrl: env['GITHUB_API_URL'] ?? 'https://api.github.com',
    sha: env['GITHUB_SHA'] ?? '',
    ref,
    refName: env['GITHUB_REF_NAME'] ?? '',
    eventName,
    runId: env['GITHUB_RUN_ID'] ?? '',
    runAttempt: env['GITHUB_RUN_ATTEMPT'] ?? '1',
    workspace: env['GITHUB_WORKSPACE'] ?? process.cwd(),
    ...(pullRequestNumber !== undefined && { pullRequestNumber }),
    ...(branch !== undefined && { branch }),
    ...(defaultBranch !== undefined && { defaultBranch }),
    ...(actor && { actor })
  };
}

/** The URL of this workflow run, for lineage records and summaries; empty outside Actions. */
export function runUrl(context: GitHubContext): string {
  if (!context.repository || !context.runId) return '';
  return `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}`;
}

export function repositoryUrl(context: GitHubContext): string {
  return context.repository ? `${context.serverUrl}/${context.repository}` : '';
}

function pullRequestFromRef(ref: string): number | undefined {
  const match = /^refs\/pull\/(\d+)\//.exec(ref);
  return match?.[1] ? Number(match[1]) : undefined;
}

function readEventPayload(path: string | undefined): EventPayload {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EventPayload;
  } catch {
    return {};
  }
}
