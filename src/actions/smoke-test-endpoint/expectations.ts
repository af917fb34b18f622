import type { SmokeCase, ValueExpectation } from './cases.js';
import { lineDiff } from './diff.js';
import { lookupJsonPath } from './json-path.js';
import { isDeepStrictEqual } from 'node:util';

/** What an endpoint answered to one request. */
export interface Answer {
  status: number;
  contentType?: string;
  body: Buffer;
  latencyMs: number;
}

export interface Mismatch {
  check: 'status' | 'latency' | 'body' | 'value' | 'schema';
  /** One line: what was expected and what came back. */
  message: string;
  /** A multi-line diff (expected `-`, answered `+`) when a structured value differs. */
  diff?: string;
}

const SNIPPET = 300;

/** Every way an answer falls short of a case's expectations; empty when the case passes. */
export function checkAnswer(smokeCase: SmokeCase, answer: Answer): Mismatch[] {
  const { expect } = smokeCase;
  const mismatches: Mismatch[] = [];
  if (expect.maxLatencyMs !== undefined && answer.latencyMs > expect.maxLatencyMs) {
    mismatches.push({
      check: 'latency',
      message: `latency: ${formatMs(answer.latencyMs)} ms is over the case's maxLatencyMs of ${expect.maxLatencyMs}`
    });
  }
  if (answer.status !== expect.status) {
    // Values and schema describe the expected answer; checked against another status they only add noise.
    mismatches.unshift({
      check: 'status',
      message: `status: expected ${expect.status}, got ${answer.status}: ${snippet(answer.body)}`
    });
    return mismatches;
  }
  if (expect.values.length === 0 && expect.schema === undefined) return mismatches;

  let document: unknown;
  try {
    document = JSON.parse(answer.body.toString('utf8'));
  } catch {
    mismatches.push({
      check: 'body',
      message: `body: the answer is not JSON (${answer.contentType ?? 'no content type'}): ${snippet(answer.body)}`
    });
    return mismatches;
  }
  for (const expectation of expect.values) {
    const mismatch = checkValue(document, expectation);
    if (mismatch) mismatches.push(mismatch);
  }
  if (expect.schema !== undefined) {
    for (const violation of expect.schema(document)) {
      mismatches.push({ check: 'schema', message: `schema: ${violation.at}: ${violation.message}` });
    }
  }
  return mismatches;
}

function checkValue(document: unknown, expectation: ValueExpectation): Mismatch | undefined {
  const lookup = lookupJsonPath(document, expectation.segments);
  if (!lookup.found) return { check: 'value', message: `${expectation.path}: not found (${lookup.reason})` };
  const actual = lookup.value;
  if (expectation.kind === 'matches') {
    const text = typeof actual === 'string' ? actual : JSON.stringify(actual);
    if (expectation.pattern.test(text)) return undefined;
    return {
      check: 'value',
      message: `${expectation.path}: expected to match /${expectation.pattern.source}/, got ${JSON.stringify(actual)}`
    };
  }
  const { expected, tolerance } = expectation;
  if (
    tolerance === undefined ? isDeepStrictEqual(expected, actual) : closeEnough(expected, actual, tolerance)
  ) {
    return undefined;
  }
  if (typeof expected === 'number' && typeof actual === 'number') {
    const within = tolerance === undefined ? '' : ` ± ${tolerance}`;
    return {
      check: 'value',
      message: `${expectation.path}: expected ${expected}${within}, got ${actual} (off by ${round(actual - expected)})`
    };
  }
  const structured =
    typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null;
  const within = tolerance === undefined ? '' : ` (numbers ± ${tolerance})`;
  return {
    check: 'value',
    message: structured
      ? `${expectation.path}: the answer differs from the expected value${within}`
      : `${expectation.path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    ...(structured && { diff: lineDiff(JSON.stringify(expected, null, 2), JSON.stringify(actual, null, 2)) })
  };
}

/** Equality where numbers may differ by up to `tolerance`, at any depth. */
function closeEnough(expected: unknown, actual: unknown, tolerance: number): boolean {
  if (typeof expected === 'number' && typeof actual === 'number')
    return Math.abs(expected - actual) <= tolerance;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, index) => closeEnough(item, actual[index], tolerance))
    );
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(actual).length &&
      keys.every((key) =>
        closeEnough(
          (expected as Record<string, unknown>)[key],
          (actual as Record<string, unknown>)[key],
          tolerance
        )
      )
    );
  }
  return isDeepStrictEqual(expected, actual);
}

function snippet(body: Buffer): string {
  const text = body.toString('utf8').trim();
  if (text === '') return '(empty body)';
  return text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text;
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}

export function formatMs(value: number): string {
  return value.toFixed(1);
}
