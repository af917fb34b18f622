import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Holder {
  pid: number;
  runId: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Holds a concurrency group across processes with a lock file (created exclusively, naming the holder's pid),
 * so two runs never deploy one stack at once. A lock whose process is gone is taken over. With
 * cancel-in-progress the holder is sent SIGTERM (it cancels its run) and the lock taken when it lets go.
 * Returns the release function.
 */
export async function acquireGroup(
  lockDir: string,
  group: string,
  options: { runId: string; cancelInProgress: boolean; log: (text: string) => void; pollMs?: number }
): Promise<() => void> {
  mkdirSync(lockDir, { recursive: true });
  const path = join(lockDir, `${createHash('sha256').update(group).digest('hex').slice(0, 32)}.lock`);
  const me: Holder = { pid: process.pid, runId: options.runId };
  let announced = false;
  let signalled: number | undefined;
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify({ ...me, group }), { flag: 'wx' });
      return () => {
        if (readHolder(path)?.runId === me.runId) rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (holder === undefined || !alive(holder.pid)) {
      rmSync(path, { force: true });
      continue;
    }
    if (options.cancelInProgress && signalled !== holder.pid) {
      options.log(
        `Concurrency group '${group}': cancelling run ${holder.runId} (pid ${holder.pid}), cancel-in-progress.`
      );
      process.kill(holder.pid, 'SIGTERM');
      signalled = holder.pid;
    } else if (!announced) {
      options.log(
        `Concurrency group '${group}' is held by run ${holder.runId} (pid ${holder.pid}); waiting for it.`
      );
      announced = true;
    }
    await sleep(options.pollMs ?? 250);
  }
}
