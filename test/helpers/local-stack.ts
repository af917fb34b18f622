import { spawn, type ChildProcess, type ChildProcessByStdio, type StdioOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { localStackEnvironment } from '../../src/cli/environment.js';
import { readRuntime } from '../../src/cli/runtime-files.js';
import { FAULTS_PATH, HEALTH_PATH } from '../../src/local-stack/server.js';
import type { FaultRule } from '../../src/local-stack/wire/faults.js';
import { PROJECT_ROOT } from './action-runner.js';

export const CLI_BUNDLE = join(PROJECT_ROOT, 'dist', 'cli', 'index.js');

export interface LocalStackTestOptions {
  /** Reuse a data directory (e.g. to restart a stack on the same state); it is then never removed. */
  dataDir?: string;
  region?: string;
  /** Lifetime of GetAuthorizationToken passwords, to test expiry without waiting 12 hours. */
  tokenTtlSeconds?: number;
  /** `--enforce-iam`: role sessions' calls are checked against their identity policies. */
  enforceIam?: boolean;
}

export interface LocalStackHandle {
  /** http://127.0.0.1:<port>: the AWS endpoint. */
  endpoint: string;
  /** 127.0.0.1:<port>: the registry, as in repositoryUri and `docker login`. */
  registryHost: string;
  /** AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION, dummy keys, MODELSHIP_LOCAL_REGISTRY. */
  env: Record<string, string>;
  dataDir: string;
  pid: number;
  /** Everything the stack printed so far (its log, one line per API request). */
  output(): string;
  /**
   * Makes the next `count` calls of an operation fail with an AWS error, e.g.
   * `{ service: 'ecr', operation: 'DescribeImages', code: 'ThrottlingException', count: 2 }`.
   */
  injectFault(rule: Omit<FaultRule, 'count'> & { count?: number }): Promise<void>;
  clearFaults(): Promise<void>;
  /** Stops docker-registry alone: the registry port then answers 503 UNAVAILABLE, the API keeps working. */
  stopRegistry(): Promise<void>;
  /** Stops the stack as `modelship local down` does; removes the data directory unless it was given. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Starts the bundled CLI's `modelship local serve` on free ports, as a child process of the test, and
 * resolves once it answers. Build dist/cli first (`npm run bundle cli`).
 */
export async function startLocalStack(options: LocalStackTestOptions = {}): Promise<LocalStackHandle> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'modelship-local-stack-'));
  const args = [CLI_BUNDLE, 'local', 'serve', '--port', '0', '--registry-port', '0', '--data-dir', dataDir];
  if (options.region !== undefined) args.push('--region', options.region);
  if (options.tokenTtlSeconds !== undefined) args.push('--token-ttl', String(options.tokenTtlSeconds));
  if (options.enforceIam) args.push('--enforce-iam');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const info = await waitUntilReady(child, dataDir, () => output);
    return {
      endpoint: info.endpoint,
      registryHost: info.registryHost,
      env: localStackEnvironment(info),
      dataDir,
      pid: info.pid,
      output: () => output,
      injectFault: (rule) => control(info.endpoint, 'POST', rule),
      clearFaults: () => control(info.endpoint, 'DELETE'),
      stopRegistry: () => stopRegistry(info.endpoint, dataDir),
      stop
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function control(endpoint: string, method: string, body?: object): Promise<void> {
  const response = await fetch(`${endpoint}${FAULTS_PATH}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body) })
  });
  if (!response.ok) throw new Error(`${method} ${FAULTS_PATH}: ${response.status} ${await response.text()}`);
}

async function stopRegistry(endpoint: string, dataDir: string): Promise<void> {
  const pid = Number(readFileSync(join(dataDir, 'registry', 'registry.pid'), 'utf8'));
  process.kill(pid, 'SIGTERM');
  for (;;) {
    const health = (await (await fetch(`${endpoint}${HEALTH_PATH}`)).json()) as { registry?: string };
    if (health.registry === 'stopped') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitUntilReady(child: ChildProcess, dataDir: string, output: () => string) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`modelship local serve exited with ${child.exitCode}:\n${output()}`);
    }
    const info = readRuntime(dataDir);
    if (info && info.pid === child.pid) {
      const healthy = await fetch(`${info.endpoint}${HEALTH_PATH}`).then(
        (response) => response.ok,
        () => false
      );
      if (healthy) return info;
    }
    if (Date.now() > deadline) throw new Error(`The local stack did not become ready:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface ProgramRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program the way tests drive clients we did not write (docker, aws, python3): argument array,
 * optional standard input (how passwords go in), extra environment on top of the test's own.
 *
 * Standard input is a pipe only when there is input: a program that never reads it (docker tag, push,
 * rmi) can finish before the input is written, and that write then fails with EPIPE. Such a failure is
 * never the result: the run resolves when the child has closed, with its own exit code and stderr.
 */
export function runProgram(
  program: string,
  args: string[],
  options: { input?: string; env?: Record<string, string>; cwd?: string } = {}
): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: { ...process.env, ...options.env },
      ...(options.cwd !== undefined && { cwd: options.cwd }),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] as StdioOptions
    }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
    let stdout = '';
    let stderr = '';
    let inputError: Error | undefined;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal) stderr += `\n(killed by ${signal})`;
      if (inputError && code !== 0) stderr += `\n(its standard input was not read: ${inputError.message})`;
      resolve({ code: code ?? 1, stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', (error) => (inputError = error));
      child.stdin.end(options.input);
    }
  });
}

/** runProgram for a step that must succeed: a failure throws with the command, its exit code and stderr. */
export async function runProgramOrThrow(
  program: string,
  args: string[],
  options: Parameters<typeof runProgram>[2] = {}
): Promise<ProgramRun> {
  const run = await runProgram(program, args, options);
  if (run.code !== 0) {
    throw new Error(`${[program, ...args].join(' ')} exited with code ${run.code}:\n${run.stderr.trimEnd()}`);
  }
  return run;
}
