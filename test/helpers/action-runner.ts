import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export interface ActionRun {
  exitCode: number;
  /** Everything the action printed (stdout then stderr), as the runner's log would show it. */
  log: string;
  outputs: Record<string, string>;
  summary: string;
  /** STATE_* values saved for the post step. */
  state: Record<string, string>;
}

export interface ActionRunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Run the bundle a second time as the runner does for `post:`, with the state the main step saved. */
  state?: Record<string, string>;
}

/**
 * Runs a bundled action (dist/<name>/index.js) exactly as the runner does: inputs as INPUT_* variables,
 * and GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_STATE as files the action appends to.
 */
export async function runBundledAction(name: string, options: ActionRunOptions = {}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), `modelship-${name}-`));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path')
  };
  for (const path of Object.values(files)) writeFileSync(path, '');

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('INPUT_') && !key.startsWith('STATE_')) env[key] = value;
  }
  Object.assign(env, { GITHUB_ACTIONS: 'true', RUNNER_TEMP: dir, ...files });
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  for (const [input, value] of Object.entries(options.inputs ?? {})) {
    env[`INPUT_${input.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const [key, value] of Object.entries(options.state ?? {})) env[`STATE_${key}`] = value;

  const { exitCode, log } = await runNode(
    join(PROJECT_ROOT, 'dist', name, 'index.js'),
    env,
    options.cwd ?? PROJECT_ROOT
  );
  return {
    exitCode,
    log,
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8'))
  };
}

/** Runs the post step of an action whose main step produced `main`. */
export function runBundledPost(
  name: string,
  main: ActionRun,
  options: ActionRunOptions = {}
): Promise<ActionRun> {
  return runBundledAction(name, { ...options, state: { ...main.state, ...options.state } });
}

function runNode(
  script: string,
  env: Record<string, string>,
  cwd: string
): Promise<{ exitCode: number; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ exitCode: code ?? 1, log: Buffer.concat(chunks).toString('utf8') })
    );
  });
}

/** Parses the runner's file-command format: `name=value` lines and `name<<DELIMITER ... DELIMITER` blocks. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const body: string[] = [];
      index += 1;
      while (index < lines.length && lines[index] !== delimiter) body.push(lines[index++] as string);
      values[name] = body.join('\n');
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return values;
}
