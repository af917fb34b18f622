import type { SmokeRequest } from './cases.js';
import type { Clock } from '../../lib/clock.js';
import type { EndpointInvoker, Outcome } from './invoker.js';

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Whether a request is tried again, and after how long. Throttling (429, ThrottlingException) is always
 * retried: it says nothing about the model. A 5xx or no connection is retried only while the endpoint
 * warms up (before it has answered anything else): afterwards it is the endpoint's answer. A wrong
 * answer, a 4xx or any other status is never retried.
 */
export function retryDelay(
  outcome: Outcome,
  attempt: number,
  warmedUp: boolean,
  policy: RetryPolicy
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const kind = classify(outcome);
  if (kind === 'final' || (kind === 'server' && warmedUp)) return undefined;
  return Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}

function classify(outcome: Outcome): 'throttled' | 'server' | 'final' {
  if (outcome.kind !== 'answer') return outcome.kind === 'throttled' ? 'throttled' : 'server';
  if (outcome.status === 429) return 'throttled';
  if (outcome.status >= 500) return 'server';
  return 'final';
}

export interface Attempted {
  outcome: Outcome;
  /** The last attempt's latency: what the answer that counts took. */
  latencyMs: number;
  attempts: number;
}

/** Warm-up lasts until the endpoint first answers with something other than throttling or a 5xx. */
export class WarmUp {
  warmedUp = false;
  observe(outcome: Outcome): void {
    if (classify(outcome) === 'final') this.warmedUp = true;
  }
}

export async function invokeWithRetry(
  invoker: EndpointInvoker,
  request: SmokeRequest,
  warmUp: WarmUp,
  policy: RetryPolicy,
  clock: Clock,
  onRetry: (outcome: Outcome, attempt: number, delayMs: number) => void = () => undefined
): Promise<Attempted> {
  for (let attempt = 1; ; attempt++) {
    const started = clock.now();
    const outcome = await invoker.invoke(request);
    const latencyMs = clock.now() - started;
    warmUp.observe(outcome);
    const delay = retryDelay(outcome, attempt, warmUp.warmedUp, policy);
    if (delay === undefined) return { outcome, latencyMs, attempts: attempt };
    onRetry(outcome, attempt, delay);
    await clock.sleep(delay);
  }
}
