import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomically } from '../state.js';
import type { RegistryLayout } from './layout.js';

export interface RegistryProcess {
  readonly pid: number;
  /** True until the process has exited. */
  running(): boolean;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;

/**
 * Runs Debian's docker-registry (`docker-registry serve <config>`) with its log in the data directory,
 * and resolves once it answers HTTP. Its pid is recorded so a stack that was killed outright does not
 * leave an orphan holding the storage: the next start ends it first.
 */
export async function startRegistryProcess(
  layout: RegistryLayout,
  address: string,
  authorization: string
): Promise<RegistryProcess> {
  stopOrphan(layout.pidFile);
  const log = openSync(layout.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('docker-registry', ['serve', layout.configFile], { stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    rmSync(layout.pidFile, { force: true });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) =>
      reject(
        new Error(`Could not start docker-registry (${error.message}). Install the docker-registry package.`)
      )
    );
  });
  writeFileAtomically(layout.pidFile, String(child.pid));

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(address, authorization))) {
    if (hasExited || Date.now() > deadline) {
      child.kill('SIGKILL');
      const log = tail(layout.logFile);
      if (/address already in use/.test(log)) throw new RegistryPortTaken(address);
      throw new Error(`docker-registry did not start on ${address}. Its log is ${layout.logFile}:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    pid: child.pid as number,
    running: () => !hasExited,
    stop: async () => {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
}

/** The private port was taken between choosing it and docker-registry binding it; another one will do. */
export class RegistryPortTaken extends Error {
  constructor(address: string) {
    super(`Another process took ${address} before docker-registry could bind it.`);
    this.name = 'RegistryPortTaken';
  }
}

/** Whether our docker-registry answers: only it accepts this start's internal credentials. */
async function answers(address: string, authorization: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${address}/v2/`, {
      headers: { authorization },
      signal: AbortSignal.timeout(1_000)
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Ends a docker-registry left running by a stack that was killed outright (its pid file survived it).
 * True when there was one.
 */
export function stopOrphan(pidFile: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } catch {
    return false;
  }
  const orphan = Number.isInteger(pid) && pid > 0 && commandOf(pid).includes('docker-registry');
  if (orphan) process.kill(pid, 'SIGKILL');
  rmSync(pidFile, { force: true });
  return orphan;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-10).join('\n');
  } catch {
    return '(no log)';
  }
}
