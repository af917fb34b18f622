import type { Clock } from '../../lib/clock.js';

export interface BackoffLimits {
  minMs: number;
  maxMs: number;
  /** The delay is this fraction of the time since something last changed. */
  quietFraction: number;
}

/**
 * Polling that stays quick while things happen and slows down while nothing does: the next delay is a
 * fraction of the time since the last change, between a floor and a ceiling. A stack that changes every few
 * seconds (the local stack) is seen within a fraction of a second; one that is quiet for minutes (a real
 * endpoint being created) costs a call every few seconds, not several per second.
 */
export class Backoff {
  private lastChange: number;
  private throttledMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits: BackoffLimits = DEFAULT_BACKOFF
  ) {
    this.lastChange = clock.now();
  }

  /** Something changed: poll quickly again. */
  changed(): void {
    this.lastChange = this.clock.now();
    this.throttledMs = 0;
  }

  /** The service asked us to slow down (retries exhausted): double the delay until the next change. */
  throttled(): void {
    this.throttledMs = Math.min(this.limits.maxMs, Math.max(this.limits.minMs, this.throttledMs) * 2);
  }

  nextDelay(): number {
    const quietFor = this.clock.now() - this.lastChange;
    const proportional = Math.min(
      this.limits.maxMs,
      Math.max(this.limits.minMs, quietFor * this.limits.quietFraction)
    );
    return Math.max(proportional, this.throttledMs);
  }

  wait(): Promise<void> {
    return this.clock.sleep(this.nextDelay());
  }
}

export const DEFAULT_BACKOFF: BackoffLimits = { minMs: 200, maxMs: 10_000, quietFraction: 0.125 };

/**
 * A stack operation's events: with a floor of half a second, the end of a busy operation is still seen
 * within half a second, at about 40 % fewer calls than a 200 ms floor when events come every few hundred ms.
 */
export const STACK_BACKOFF: BackoffLimits = { minMs: 500, maxMs: 10_000, quietFraction: 0.125 };

/** True for the errors AWS returns when a caller polls too fast (after the SDK's own retries). */
export function isThrottling(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'Throttling' || name === 'ThrottlingException' || name === 'TooManyRequestsException';
}
