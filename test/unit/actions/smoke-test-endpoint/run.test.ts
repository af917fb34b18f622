import type { SmokeRequest } from '../../../../src/actions/smoke-test-endpoint/cases.js';
import type { EndpointInvoker, Outcome } from '../../../../src/actions/smoke-test-endpoint/invoker.js';
import { runLoad } from '../../../../src/actions/smoke-test-endpoint/load.js';
import { DEFAULT_RETRY_POLICY } from '../../../../src/actions/smoke-test-endpoint/retry.js';
import { checkThresholds, runSmokeTest } from '../../../../src/actions/smoke-test-endpoint/run.js';
import { caseRows, failureMessage, loadRows } from '../../../../src/actions/smoke-test-endpoint/summary.js';
import { fakeClock, smokeCase } from './fixtures.js';

/** An endpoint that answers each case (told apart by its body) after a fixed time on the fake clock. */
function scriptedInvoker(
  clock: ReturnType<typeof fakeClock>,
  answers: Record<string, { status: number; body: unknown; ms: number }[]>
): EndpointInvoker & { calls: string[] } {
  const calls: string[] = [];
  return {
    target: 'test endpoint',
    calls,
    invoke: async (request: SmokeRequest): Promise<Outcome> => {
      const file = (JSON.parse(request.body.toString()) as { case: string }).case;
      calls.push(file);
      const queue = answers[file]!;
      const next = queue.length > 1 ? queue.shift()! : queue[0]!;
      clock.advance(next.ms);
      return { kind: 'answer', status: next.status, body: Buffer.from(JSON.stringify(next.body)) };
    },
    close: () => undefined
  };
}

describe('the load phase', () => {
  it('sends the given number of requests over the cases, measuring each one', async () => {
    const clock = fakeClock();
    const cases = [smokeCase('a.json'), smokeCase('b.json', { status: 400 })];
    const invoker = scriptedInvoker(clock, {
      'a.json': [{ status: 200, body: {}, ms: 10 }],
      'b.json': [{ status: 400, body: {}, ms: 30 }]
    });
    const result = await runLoad(cases, invoker, { requests: 10, concurrency: 1 }, clock);
    expect(invoker.calls).toEqual([
      'a.json',
      'b.json',
      'a.json',
      'b.json',
      'a.json',
      'b.json',
      'a.json',
      'b.json',
      'a.json',
      'b.json'
    ]);
    expect(result).toMatchObject({ requests: 10, errors: 0, errorRate: 0, durationMs: 200, throughput: 50 });
    expect(result.latency).toMatchObject({ p50: 10, p95: 30, p99: 30, min: 10, max: 30, mean: 20 });
  });

  it('counts a status other than the case expects as an error, with samples', async () => {
    const clock = fakeClock();
    const invoker = scriptedInvoker(clock, {
      'a.json': [
        { status: 200, body: {}, ms: 5 },
        { status: 500, body: {}, ms: 5 },
        { status: 200, body: {}, ms: 5 },
        { status: 200, body: {}, ms: 5 }
      ]
    });
    const result = await runLoad([smokeCase('a.json')], invoker, { requests: 4, concurrency: 2 }, clock);
    expect(result).toMatchObject({
      requests: 4,
      errors: 1,
      errorRate: 0.25,
      errorSamples: ['a.json: status 500, expected 200']
    });
  });

  it('runs for a duration instead of a count', async () => {
    const clock = fakeClock();
    const invoker = scriptedInvoker(clock, { 'a.json': [{ status: 200, body: {}, ms: 100 }] });
    const result = await runLoad([smokeCase('a.json')], invoker, { durationMs: 1000, concurrency: 1 }, clock);
    expect(result.requests).toBe(10);
  });
});

describe('a smoke test run', () => {
  it('runs every case, then the load phase, and fails thresholds that are exceeded', async () => {
    const clock = fakeClock();
    const cases = [
      smokeCase('smoke/right.json', { values: [{ path: '$.p', equals: 1 }] }),
      smokeCase('smoke/wrong.json', { values: [{ path: '$.p', equals: 2, tolerance: 0.5 }] })
    ];
    const invoker = scriptedInvoker(clock, {
      'smoke/right.json': [{ status: 200, body: { p: 1 }, ms: 20 }],
      'smoke/wrong.json': [{ status: 200, body: { p: 1 }, ms: 40 }]
    });
    const logs: string[] = [];
    const result = await runSmokeTest(
      {
        cases,
        load: { requests: 20, concurrency: 1 },
        thresholds: { maxP95Ms: 30, maxErrorRate: 0 },
        retry: DEFAULT_RETRY_POLICY
      },
      { invoker, clock, log: (message) => logs.push(message) }
    );
    expect(result).toMatchObject({ passed: 1, failed: 1, ok: false });
    expect(result.cases[1]).toMatchObject({
      file: 'smoke/wrong.json',
      passed: false,
      status: 200,
      latencyMs: 40,
      attempts: 1,
      mismatches: [{ check: 'value', message: '$.p: expected 2 ± 0.5, got 1 (off by -1)' }]
    });
    expect(result.thresholds).toEqual([
      { name: 'max-p95-ms', limit: 30, actual: 40, passed: false },
      { name: 'max-error-rate', limit: 0, actual: 0, passed: true }
    ]);
    expect(logs).toContain(
      'FAIL smoke/wrong.json (smoke/wrong.json): $.p: expected 2 ± 0.5, got 1 (off by -1)'
    );
    expect(failureMessage(result)).toBe(
      'Smoke test of test endpoint failed: 1 of 2 case(s) failed (smoke/wrong.json); max-p95-ms: 40.0 ms (limit 30.0 ms).'
    );
    expect(caseRows(result)[1]).toEqual([
      '❌ fail',
      'smoke/wrong.json',
      'smoke/wrong.json',
      '200',
      '40.0',
      '$.p: expected 2 ± 0.5, got 1 (off by -1)'
    ]);
    expect(loadRows(result)).toContainEqual([
      'Latency p50 / p95 / p99 / max',
      '20.0 / 40.0 / 40.0 / 40.0 ms'
    ]);
  });

  it('passes when every case passes and there is no load phase', async () => {
    const clock = fakeClock();
    const invoker = scriptedInvoker(clock, { 'a.json': [{ status: 200, body: {}, ms: 1 }] });
    const result = await runSmokeTest(
      { cases: [smokeCase('a.json')], thresholds: {}, retry: DEFAULT_RETRY_POLICY },
      { invoker, clock, log: () => undefined }
    );
    expect(result).toMatchObject({ passed: 1, failed: 0, ok: true, thresholds: [] });
    expect(result.load).toBeUndefined();
    expect(failureMessage(result)).toBeUndefined();
  });

  it('fails a case that gets no answer after its retries', async () => {
    const clock = fakeClock();
    const invoker: EndpointInvoker = {
      target: 'down',
      invoke: async () => ({ kind: 'unavailable', message: 'connect ECONNREFUSED' }),
      close: () => undefined
    };
    const result = await runSmokeTest(
      {
        cases: [smokeCase('a.json')],
        thresholds: {},
        retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 }
      },
      { invoker, clock, log: () => undefined }
    );
    expect(result.cases[0]).toMatchObject({
      passed: false,
      attempts: 3,
      mismatches: [{ check: 'status', message: 'no answer after 3 attempt(s): connect ECONNREFUSED' }]
    });
  });

  it('checks no threshold without a load phase', () => {
    expect(checkThresholds({ maxP95Ms: 1 }, undefined)).toEqual([]);
  });
});
