import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EVENTS, type EventName } from '../runner/events.js';
import { runWorkflow } from '../runner/run.js';
import { awsCredentials, localStackCredentials } from '../runner/stand-ins.js';
import { up } from './daemon.js';
import { localStackEnvironment } from './environment.js';
import { DEFAULT_DATA_DIR, parseCommandLine, parseLocalOptions, UsageError } from './options.js';
import { RUN_OPTIONS } from './run-options.js';

function pairs(values: string[], flag: string, fromEnvironment = false): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values) {
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
  const { values, positionals } = parseCommandLine(args, RUN_OPTIONS, { allowPositionals: true });
  const text = (name: string) => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const list = (name: string) => {
    const value = values[name];
    return Array.isArray(value) ? value : [];
  };
  if (positionals.length !== 1)
    throw new UsageError('Give one workflow file: modelship run .github/workflows/deploy.yml');
  const event = (text('event') ?? 'push') as EventName;
  if (!EVENTS.includes(event)) throw new UsageError(`--event '${event}' is not one of ${EVENTS.join(', ')}.`);
  const target = text('target') ?? 'local';
  if (target !== 'local' && target !== 'aws')
    throw new UsageError(`--target '${target}' must be local or aws.`);
  const inputs = pairs(list('input'), '--input');
  const secrets = pairs(list('secret'), '--secret', true);
  const vars = pairs(list('var'), '--var');
  const cwd = process.cwd();
  const workspace = repositoryRoot(cwd);
  const named = positionals[0] as string;
  const workflow = [resolve(cwd, named), join(workspace, '.github/workflows', named)].find((path) =>
    existsSync(path)
  );
  if (workflow === undefined)
    throw new Error(`Cannot read the workflow ${named}: no such file (nor .github/workflows/${named}).`);
  const actionDirs = pairs(list('action-dir'), '--action-dir');
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
    payloadFile: text('payload') === undefined ? undefined : resolve(cwd, text('payload') as string),
    inputs,
    secrets,
    vars,
    approvals: list('approve'),
    protect: list('protect'),
    job: text('job'),
    actionDirs,
    targetEnv,
    credentials,
    stateDir: join(workspace, DEFAULT_DATA_DIR, 'runs'),
    print,
    terminal: process.stdout.isTTY
      ? { write: (text) => process.stdout.write(text), columns: () => process.stdout.columns }
      : undefined
  });
}
