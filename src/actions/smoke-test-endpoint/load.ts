import type { SmokeCase } from './cases.js';
import type { Clock } from '../../lib/clock.js';
import type { EndpointInvoker, Outcome } from './invoker.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';

/** A number of requests, or a duration, at a concurrency; requests cycle through the cases in order. */
export type LoadPlan = { concurrency: number } & ({ requests: number } | { durationMs: number });

export interface LoadResult {
  requests: number;
  errors: number;
  /** errors / requests, 0 to 1. */
  errorRate: number;
  concurrency: number;
  durationMs: number;
  /** Requests completed per second of wall time. */
  throughput: number;
  /** Client-side latency of every request (errors included), from send to the last byte of the answer. */
  latency?: LatencySummary;
  /** A few distinct error messages, for the summary. */
  errorSamples: string[];
}

const ERROR_SAMPLES = 5;

/**
 * Runs the load phase without retries: every request counts. A request is an error when it gets no
 * answer or a status other than its case expects (a case expecting 400 is not an error when it gets 400).
 */
export async function runLoad(
  cases: readonly SmokeCase[],
  invoker: EndpointInvoker,
  plan: LoadPlan,
  clock: Clock
): Promise<LoadResult> {
  const latencies: number[] = [];
  const samples = new Set<string>();
  let errors = 0;
  let issued = 0;
  const started = clock.now();
  const deadline = 'durationMs' in plan ? started + plan.durationMs : Infinity;
  const limit = 'requests' in plan ? plan.requests : Infinity;

  const worker = async () => {
    while (issued < limit && clock.now() < deadline) {
      const smokeCase = cases[issued++ % cases.length]!;
      const sent = clock.now();
      const outcome = await invoker.invoke(smokeCase.request);
      latencies.push(clock.now() - sent);
      const error = loadError(outcome, smokeCase);
      if (error !== undefined) {
        errors++;
        if (samples.size < ERROR_SAMPLES) samples.add(error);
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));

  const durationMs = clock.now() - started;
  const requests = latencies.length;
  const latency = summarizeLatencies(latencies);
  return {
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    concurrency: plan.concurrency,
    durationMs,
    throughput: durationMs > 0 ? (requests * 1000) / durationMs : 0,
    errorSamples: [...samples],
    ...(latency !== undefined && { latency })
  };
}

function loadError(outcome: Outcome, smokeCase: SmokeCase): string | undefined {
  if (outcome.kind !== 'answer') return `${smokeCase.file}: ${outcome.kind}: ${outcome.message}`;
  if (outcome.status !== smokeCase.expect.status) {
    return `${smokeCase.file}: status ${outcome.status}, expected ${smokeCase.expect.status}`;
  }
  return undefined;
}
