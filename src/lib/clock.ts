import { performance } from 'node:perf_hooks';

/** Time as pollers and timers see it; tests pass a fake one so waits and back-offs take no real time. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
};
