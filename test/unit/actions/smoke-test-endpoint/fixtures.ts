import type { Clock } from '../../../../src/lib/clock.js';
import { parseCase, type SmokeCase } from '../../../../src/actions/smoke-test-endpoint/cases.js';

/** A clock whose sleeps pass at once and are recorded; `advance` simulates time spent in a request. */
export function fakeClock(): Clock & { slept: number[]; advance(ms: number): void } {
  let time = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => time,
    sleep: async (ms) => {
      slept.push(ms);
      time += ms;
    },
    advance: (ms) => {
      time += ms;
    }
  };
}

export function smokeCase(file: string, expect: Record<string, unknown> = {}): SmokeCase {
  return parseCase({ request: { body: `{"case":"${file}"}` }, expect }, file, () => Buffer.alloc(0));
}
