import type { Outcome } from '../../../../src/actions/smoke-test-endpoint/invoker.js';
import { retryDelay, WarmUp } from '../../../../src/actions/smoke-test-endpoint/retry.js';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 };
const answer = (status: number): Outcome => ({ kind: 'answer', status, body: Buffer.from('{}') });

describe('the retry policy', () => {
  it.each([
    ['throttled, warming up', { kind: 'throttled', message: 'slow down' }, false, 1, 100],
    ['throttled, warmed up', { kind: 'throttled', message: 'slow down' }, true, 2, 200],
    ['429 answer, warmed up', answer(429), true, 3, 250],
    ['no connection, warming up', { kind: 'unavailable', message: 'ECONNREFUSED' }, false, 1, 100],
    ['503 answer, warming up', answer(503), false, 1, 100],
    ['503 answer, warmed up', answer(503), true, 1, undefined],
    ['no connection, warmed up', { kind: 'unavailable', message: 'ECONNRESET' }, true, 1, undefined],
    ['400 answer', answer(400), false, 1, undefined],
    ['200 answer (even if wrong)', answer(200), false, 1, undefined],
    ['throttled on the last attempt', { kind: 'throttled', message: 'slow down' }, false, 4, undefined]
  ] as const)('%s', (_title, outcome, warmedUp, attempt, delay) => {
    expect(retryDelay(outcome as Outcome, attempt, warmedUp, policy)).toBe(delay);
  });

  it('warm-up ends at the first answer that is neither throttling nor 5xx', () => {
    const warmUp = new WarmUp();
    warmUp.observe(answer(503));
    warmUp.observe({ kind: 'throttled', message: '' });
    expect(warmUp.warmedUp).toBe(false);
    warmUp.observe(answer(400));
    expect(warmUp.warmedUp).toBe(true);
  });
});
