import type { SmokeCase } from './cases.js';
import type { Clock } from '../../lib/clock.js';
import { checkAnswer, type Mismatch } from './expectations.js';
import type { EndpointInvoker } from './invoker.js';
import { runLoad, type LoadPlan, type LoadResult } from './load.js';
import { invokeWithRetry, WarmUp, type RetryPolicy } from './retry.js';

export interface Thresholds {
  maxP95Ms?: number;
  /** 0 to 1. */
  maxErrorRate?: number;
}

export interface SmokeTestPlan {
  cases: SmokeCase[];
  load?: LoadPlan;
  thresholds: Thresholds;
  retry: RetryPolicy;
}

export interface CaseResult {
  file: string;
  name: string;
  passed: boolean;
  /** The answer's status; absent when no answer came. */
  status?: number;
  latencyMs: number;
  attempts: number;
  mismatches: Mismatch[];
}

export interface ThresholdResult {
  name: 'max-p95-ms' | 'max-error-rate';
  limit: number;
  actual: number;
  passed: boolean;
}

export interface SmokeTestResult {
  target: string;
  cases: CaseResult[];
  passed: number;
  failed: number;
  load?: LoadResult;
  thresholds: ThresholdResult[];
  /** Every case passed and every threshold held. */
  ok: boolean;
}

export interface RunContext {
  invoker: EndpointInvoker;
  clock: Clock;
  log: (message: string) => void;
}

/** Runs each case once (with retries for throttling and warm-up), then the load phase, then the thresholds. */
export async function runSmokeTest(plan: SmokeTestPlan, context: RunContext): Promise<SmokeTestResult> {
  const { invoker, clock, log } = context;
  const warmUp = new WarmUp();
  const cases: CaseResult[] = [];
  for (const smokeCase of plan.cases) {
    const attempted = await invokeWithRetry(
      invoker,
      smokeCase.request,
      warmUp,
      plan.retry,
      clock,
      (outcome, attempt, delay) =>
        log(
          `${smokeCase.file}: attempt ${attempt} ${outcome.kind === 'answer' ? `got ${outcome.status}` : `was ${outcome.kind}`}; ` +
            `trying again in ${delay} ms`
        )
    );
    const { outcome } = attempted;
    const mismatches =
      outcome.kind === 'answer'
        ? checkAnswer(smokeCase, { ...outcome, latencyMs: attempted.latencyMs })
        : [
            {
              check: 'status' as const,
              message: `no answer after ${attempted.attempts} attempt(s): ${outcome.message}`
            }
          ];
    const result: CaseResult = {
      file: smokeCase.file,
      name: smokeCase.name,
      passed: mismatches.length === 0,
      latencyMs: attempted.latencyMs,
      attempts: attempted.attempts,
      mismatches,
      ...(outcome.kind === 'answer' && { status: outcome.status })
    };
    log(
      `${result.passed ? 'PASS' : 'FAIL'} ${smokeCase.file} (${smokeCase.name})${result.passed ? '' : `: ${mismatches[0]!.message}`}`
    );
    cases.push(result);
  }

  let load: LoadResult | undefined;
  if (plan.load && plan.cases.length > 0) {
    const size =
      'requests' in plan.load ? `${plan.load.requests} requests` : `${plan.load.durationMs / 1000} s`;
    log(`Load phase: ${size} at concurrency ${plan.load.concurrency}.`);
    load = await runLoad(plan.cases, invoker, plan.load, clock);
  }
  const thresholds = checkThresholds(plan.thresholds, load);
  const failed = cases.filter((result) => !result.passed).length;
  return {
    target: invoker.target,
    cases,
    passed: cases.length - failed,
    failed,
    thresholds,
    ok: failed === 0 && thresholds.every((threshold) => threshold.passed),
    ...(load !== undefined && { load })
  };
}

export function checkThresholds(thresholds: Thresholds, load: LoadResult | undefined): ThresholdResult[] {
  if (!load) return [];
  const results: ThresholdResult[] = [];
  if (thresholds.maxP95Ms !== undefined) {
    const actual = load.latency?.p95 ?? 0;
    results.push({
      name: 'max-p95-ms',
      limit: thresholds.maxP95Ms,
      actual,
      passed: actual <= thresholds.maxP95Ms
    });
  }
  if (thresholds.maxErrorRate !== undefined) {
    results.push({
      name: 'max-error-rate',
      limit: thresholds.maxErrorRate,
      actual: load.errorRate,
      passed: load.errorRate <= thresholds.maxErrorRate
    });
  }
  return results;
}
