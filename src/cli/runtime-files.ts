import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../local-stack/state.js';

/** What a running `modelship local serve` records in its data directory once it answers. */
export interface RuntimeInfo {
  pid: number;
  endpoint: string;
  registryHost: string;
  region: string;
  accountId: string;
  dataDir: string;
  startedAt: string;
}

export function stackFiles(dataDir: string) {
  return {
    pid: join(dataDir, 'local-stack.pid'),
    runtime: join(dataDir, 'local-stack.json'),
    log: join(dataDir, 'local-stack.log')
  };
}

export function readPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(stackFiles(dataDir).pid, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function readRuntime(dataDir: string): RuntimeInfo | undefined {
  try {
    return JSON.parse(readFileSync(stackFiles(dataDir).runtime, 'utf8')) as RuntimeInfo;
  } catch {
    return undefined;
  }
}

export function writePid(dataDir: string, pid: number): void {
  writeFileAtomically(stackFiles(dataDir).pid, `${pid}\n`);
}

export function writeRuntime(info: RuntimeInfo): void {
  writeFileAtomically(stackFiles(info.dataDir).runtime, JSON.stringify(info, null, 2) + '\n');
}

export function removeRuntimeFiles(dataDir: string): void {
  const files = stackFiles(dataDir);
  rmSync(files.runtime, { force: true });
  rmSync(files.pid, { force: true });
}

/**
 * Whether `pid` is a live `modelship local serve`. Where /proc exists (Linux) the command line is checked,
 * so a pid reused by an unrelated process after a crash is not mistaken for the stack.
 */
export function isServeProcess(pid: number): boolean {
  if (!existsSync('/proc/self')) return processExists(pid);
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('local') && argv.includes('serve');
  } catch {
    return false;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
