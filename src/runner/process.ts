import { spawn, type ChildProcess } from 'node:child_process';

/** The run's cancellation: set by a signal or by a newer run of the same concurrency group. */
export class Cancellation {
  cancelled = false;
  private readonly children = new Set<ChildProcess>();

  cancel(): void {
    this.cancelled = true;
    for (const child of this.children) child.kill('SIGTERM');
  }

  track(child: ChildProcess): () => void {
    this.children.add(child);
    return () => this.children.delete(child);
  }
}

export interface ProcessResult {
  exitCode: number;
  timedOut: boolean;
}

/** Runs a step's process, streaming its stdout and stderr (interleaved) to onOutput. */
export function runProcess(
  command: string,
  args: string[],
  options: {
    env: Record<string, string>;
    cwd: string;
    timeoutMs?: number | undefined;
    cancellation: Cancellation;
    onOutput: (text: string) => void;
  }
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    const untrack = options.cancellation.track(child);
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
          }, options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', options.onOutput);
    child.stderr.setEncoding('utf8').on('data', options.onOutput);
    child.on('error', (error) => {
      untrack();
      if (timer) clearTimeout(timer);
      reject(new Error(`Cannot start ${command}: ${error.message}`));
    });
    child.on('close', (code) => {
      untrack();
      if (timer) clearTimeout(timer);
      resolve({ exitCode: code ?? 1, timedOut });
    });
  });
}
