import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EVENTS, type EventName } from '../runner/events.js';
import { runWorkflow } from '../runner/run.js';
import { awsCredentials, localStackCredentials } from '../runner/stand-ins.js';
import { up } from './daemon.js';
import { localStackEnvironment } from './environment.js';
import { DEFAULT_DATA_DIR, parseLocalOptions, UsageError, type OptionSpec } from './options.js';

/** What `modelship run --help` shows under the usage line (its options come from RUN_OPTIONS). */
export const RUN_DESCRIPTION = `Runs a workflow file of the current repository the way GitHub's runner would: its jobs, steps,
expressions, reusable workflows and JavaScript or composite actions, on this machine. Exits 0 when the
workflow succeeds, 1 when it fails, 3 when it stops at a job waiting for an environment's approval.`;

export const RUN_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'event',
    value: '<name>',
    description: 'push (default), pull_request, workflow_dispatch or schedule'
  },
  {
    name: 'payload',
    value: '<file>',
    description: "the event's webhook payload (JSON, as GitHub delivers it)"
  },
  { name: 'input', value: '<name=value>', description: 'a workflow_dispatch input (repeatable)' },
  {
    name: 'secret',
    value: '<name=value>',
    description: 'a secret; --secret NAME alone reads it from the environment (repeatable)'
  },
  { name: 'var', value: '<name=value>', description: 'a configuration variable, vars.NAME (repeatable)' },
  {
    name: 'approve',
    value: '<environment>',
    description: 'approve the jobs deploying to a protected environment (repeatable)'
  },
  {
    name: 'protect',
    value: '<environment>',
    description:
      'treat an environment as needing approval (repeatable), besides .github/modelship-environments.yml'
  },
  {
    name: 'target',
    value: '<local|aws>',
    description: `local (default): the repository's local stack (./${DEFAULT_DATA_DIR}); aws: the caller's account`
  },
  { name: 'job', value: '<id>', description: 'run only this job and the jobs it needs' },
  {
    name: 'action-dir',
    value: '<OWNER/REPO@REF=DIR>',
    description: 'a local directory for an action or workflow of another repository (repeatable)'
  }
];

function pairs(values: string[] | undefined, flag: string, fromEnvironment = false): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values ?? []) {
    const equals = value.indexOf('=');
    if (equals > 0) result[value.slice(0, equals)] = value.slice(equals + 1);
    else if (fromEnvironment && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value) && process.env[value] !== undefined)
      result[value] = process.env[value];
    else
      throw new UsageError(
        `${flag} '${value}' must be NAME=VALUE${fromEnvironment ? ' (or the name of a set environment variable)' : ''}.`
      );
  }
  return result;
}

/** This package's root (its actions/ serve modelship/modelship/actions/...): found upward from the CLI's file. */
export function packageRoot(script: string): string {
  for (let dir = dirname(resolve(script)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(join(dir, 'actions')) && existsSync(manifest)) {
      if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'modelship') return dir;
    }
  }
  throw new Error(`Cannot find the modelship package (with its actions/) above ${script}.`);
}

function repositoryRoot(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).trim();
  } catch {
    return cwd;
  }
}

/** `modelship run ...`; `script` is the CLI's entry file (for starting the local stack). */
export async function runCommand(
  args: string[],
  script: string,
  print: (text: string) => void
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        event: { type: 'string' },
        payload: { type: 'string' },
        input: { type: 'string', multiple: true },
        secret: { type: 'string', multiple: true },
        var: { type: 'string', multiple: true },
        approve: { type: 'string', multiple: true },
        protect: { type: 'string', multiple: true },
        target: { type: 'string' },
        job: { type: 'string' },
        'action-dir': { type: 'string', multiple: true }
      }
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new UsageError('Give one workflow file: modelship run .github/workflows/deploy.yml');
  const event = (values.event ?? 'push') as EventName;
  if (!EVENTS.includes(event))
    throw new UsageError(`--event '${values.event}' is not one of ${EVENTS.join(', ')}.`);
  const target = values.target ?? 'local';
  if (target !== 'local' && target !== 'aws')
    throw new UsageError(`--target '${target}' must be local or aws.`);
  const inputs = pairs(values.input, '--input');
  const secrets = pairs(values.secret, '--secret', true);
  const vars = pairs(values.var, '--var');
  const cwd = process.cwd();
  const workspace = repositoryRoot(cwd);
  const named = positionals[0] as string;
  const workflow = [resolve(cwd, named), join(workspace, '.github/workflows', named)].find((path) =>
    existsSync(path)
  );
  if (workflow === undefined)
    throw new Error(`Cannot read the workflow ${named}: no such file (nor .github/workflows/${named}).`);
  const actionDirs = pairs(values['action-dir'], '--action-dir');
  for (const [reference, dir] of Object.entries(actionDirs)) actionDirs[reference] = resolve(cwd, dir);
  let targetEnv: Record<string, string> = {};
  let credentials = awsCredentials();
  if (target === 'local') {
    const { info, alreadyRunning } = await up(
      parseLocalOptions(['--data-dir', join(workspace, DEFAULT_DATA_DIR)]),
      script
    );
    if (!alreadyRunning) print(`Started the local stack (${info.endpoint}, data ${info.dataDir}).`);
    targetEnv = localStackEnvironment(info);
    credentials = localStackCredentials(info.endpoint);
  }
  return runWorkflow({
    workflow,
    workspace,
    packageRoot: packageRoot(script),
    event,
    payloadFile: values.payload === undefined ? undefined : resolve(cwd, values.payload),
    inputs,
    secrets,
    vars,
    approvals: values.approve ?? [],
    protect: values.protect ?? [],
    job: values.job,
    actionDirs,
    targetEnv,
    credentials,
    stateDir: join(workspace, DEFAULT_DATA_DIR, 'runs'),
    print
  });
}
