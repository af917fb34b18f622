import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DockerCli, type ContainerEngine } from '../local-stack/docker/engine.js';
import { HEALTH_PATH, RESET_PATH } from '../local-stack/server.js';
import { registryLayout, stopOrphanRegistry } from '../local-stack/registry/index.js';
import { removeHostingContainers } from '../local-stack/services/sagemaker/hosting/cleanup.js';
import { LABELS } from '../local-stack/services/sagemaker/hosting/fleet.js';
import { readStateDocuments } from '../local-stack/state.js';
import type { LocalOptions } from './options.js';
import { toFlags } from './options.js';
import {
  isServeProcess,
  readPid,
  readRuntime,
  removeRuntimeFiles,
  stackFiles,
  type RuntimeInfo
} from './runtime-files.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export interface Health {
  status: string;
  registry?: string;
  services?: string[];
}

/** The running stack of a data directory and its health; undefined when none is running. */
export async function runningStack(
  dataDir: string
): Promise<{ info: RuntimeInfo; health: Health } | undefined> {
  const pid = readPid(dataDir);
  if (pid === undefined || !isServeProcess(pid)) return undefined;
  const info = readRuntime(dataDir);
  if (!info || info.pid !== pid) return undefined;
  const health = await checkHealth(info.endpoint);
  return health ? { info, health } : undefined;
}

/**
 * Starts `modelship local serve` as a detached background process (log in the data directory) unless
 * one already serves the directory, and waits until it answers. `script` is the CLI's own entry file.
 */
export async function up(
  options: LocalOptions,
  script: string
): Promise<{ info: RuntimeInfo; alreadyRunning: boolean }> {
  mkdirSync(options.dataDir, { recursive: true });
  const existing = readPid(options.dataDir);
  if (existing !== undefined && isServeProcess(existing)) {
    return { info: await waitUntilReady(options.dataDir, existing), alreadyRunning: true };
  }
  // Refused here, before anything starts, so the reason is the command's own error and not a log line.
  readStateDocuments(options.dataDir);
  removeRuntimeFiles(options.dataDir);
  const files = stackFiles(options.dataDir);
  const log = openSync(files.log, 'a');
  try {
    const child = spawn(process.execPath, [script, 'local', 'serve', ...toFlags(options)], {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: options.dataDir
    });
    child.unref();
    return { info: await waitUntilReady(options.dataDir, child.pid as number), alreadyRunning: false };
  } finally {
    closeSync(log);
  }
}

/** What `down` found: a running stack it stopped, or what a stack killed outright left behind. */
export type DownResult =
  { stopped: 'stack' } | { stopped: 'leftovers'; registry: boolean; containers: number };

/**
 * Stops the data directory's stack (SIGTERM, which stops containers and the registry). A stack that was
 * killed outright ran no shutdown, so its registry process and endpoint containers are stopped here.
 */
export async function down(dataDir: string, docker: ContainerEngine = new DockerCli()): Promise<DownResult> {
  const pid = readPid(dataDir);
  if (pid === undefined || !isServeProcess(pid)) {
    removeRuntimeFiles(dataDir);
    return { stopped: 'leftovers', ...(await stopLeftovers(dataDir, docker)) };
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isServeProcess(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      removeRuntimeFiles(dataDir);
      await stopLeftovers(dataDir, docker);
      throw new Error(
        `The local stack (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000}s and was killed, with its ` +
          `registry and containers. See ${stackFiles(dataDir).log}.`
      );
    }
    await sleep(100);
  }
  return { stopped: 'stack' };
}

/** Stops the registry process and removes the endpoint containers of a stack that is no longer running. */
async function stopLeftovers(
  dataDir: string,
  docker: ContainerEngine
): Promise<{ registry: boolean; containers: number }> {
  const registry = stopOrphanRegistry(registryLayout(dataDir).pidFile);
  try {
    return { registry, containers: await removeHostingContainers(dataDir, docker) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Without a docker command there are no containers to remove.
    if (/\bENOENT\b/.test(message)) return { registry, containers: 0 };
    throw new Error(
      `Could not remove the endpoint containers the stopped local stack left behind: ${message}. ` +
        `Remove them with: docker rm --force $(docker ps --all --quiet --filter 'label=${LABELS.stack}=${resolve(dataDir)}')`
    );
  }
}

/** Empties every service's state of the running stack at `endpoint`; resolves once it has. */
export async function reset(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}${RESET_PATH}`, { method: 'POST' });
  if (!response.ok) {
    throw new Error(`The local stack could not reset (HTTP ${response.status}): ${await response.text()}`);
  }
}

async function waitUntilReady(dataDir: string, pid: number): Promise<RuntimeInfo> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const info = readRuntime(dataDir);
    if (info?.pid === pid && (await checkHealth(info.endpoint))) return info;
    if (!isServeProcess(pid)) {
      throw new Error(
        `The local stack did not start. Last lines of ${stackFiles(dataDir).log}:\n${logTail(dataDir)}`
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `The local stack (pid ${pid}) did not answer within ${START_TIMEOUT_MS / 1000}s. ` +
          `See ${stackFiles(dataDir).log}, or stop it with 'modelship local down'.`
      );
    }
    await sleep(100);
  }
}

async function checkHealth(endpoint: string): Promise<Health | undefined> {
  try {
    const response = await fetch(`${endpoint}${HEALTH_PATH}`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? ((await response.json()) as Health) : undefined;
  } catch {
    return undefined;
  }
}

function logTail(dataDir: string): string {
  try {
    return readFileSync(stackFiles(dataDir).log, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
