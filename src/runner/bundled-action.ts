import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ActionRun {
  exitCode: number;
  /** Everything the action printed (stdout and stderr interleaved), as the runner's log shows it. */
  log: string;
  outputs: Record<string, string>;
  summary: string;
  /** Values saved with core.saveState, handed to the post step as STATE_* variables. */
  state: Record<string, string>;
}

export interface ActionRunOptions {
  inputs?: Record<string, string>;
  /** Extra environment; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** STATE_* values: given, the run is the action's post step. */
  state?: Record<string, string>;
  /** Called with the action's output as it arrives (the demo streams it; tests collect it). */
  onLog?: (text: string) => void;
}

/**
 * Runs a bundled action exactly as the GitHub runner does: a fresh Node process on the bundle, inputs as
 * INPUT_* variables, and GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_STATE as files the action appends to.
 */
export async function runBundledAction(bundle: string, options: ActionRunOptions = {}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'modelship-step-'));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path')
  };
  for (const path of Object.values(files)) writeFileSync(path, '');
  try {
    const env = actionEnvironment(files, dir, options);
    const { exitCode, log } = await runNode(bundle, env, options.cwd ?? process.cwd(), options.onLog);
    return {
      exitCode,
      log,
      outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8'))
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function actionEnvironment(files: Record<string, string>, runnerTemp: string, options: ActionRunOptions) {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('INPUT_') && !key.startsWith('STATE_')) env[key] = value;
  }
  Object.assign(env, { GITHUB_ACTIONS: 'true', RUNNER_TEMP: runnerTemp, ...files });
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  for (const [input, value] of Object.entries(options.inputs ?? {})) {
    env[`INPUT_${input.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const [key, value] of Object.entries(options.state ?? {})) env[`STATE_${key}`] = value;
  return env;
}

function runNode(
  script: string,
  env: Record<string, string>,
  cwd: string,
  onLog: ((text: string) => void) | undefined
): Promise<{ exitCode: number; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const collect = (chunk: Buffer) => {
      chunks.push(chunk);
      onLog?.(chunk.toString('utf8'));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ exitCode: code ?? 1, log: Buffer.concat(chunks).toString('utf8') })
    );
  });
}

/** Parses the runner's file-command format: `name=value` lines and `name<<DELIMITER … DELIMITER` blocks. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const name = heredoc[1] as string;
      const delimiter = heredoc[2] as string;
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
