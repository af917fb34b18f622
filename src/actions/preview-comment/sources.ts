import { readFileSync } from 'node:fs';
import { ActionError } from '../../lib/errors.js';
import type { ChangeRow, LatencyPoints, SmokeSummary } from './types.js';

interface ReportCase {
  name?: unknown;
  file?: unknown;
  passed?: unknown;
  status?: unknown;
  latencyMs?: unknown;
}

interface Report {
  cases?: ReportCase[];
  passed?: unknown;
  failed?: unknown;
  load?: { requests?: unknown; latency?: Record<string, unknown> };
}

/** smoke-test-endpoint's JSON report, reduced to what the comment shows. */
export function readSmokeReport(path: string): SmokeSummary {
  let report: Report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  } catch (error) {
    throw new ActionError(
      `Cannot read the smoke-test report '${path}': ${(error as Error).message}.`,
      "Pass smoke-test-endpoint's 'report' output, from a step of the same job."
    );
  }
  const cases = (report.cases ?? []).map((item) => ({
    name:
      typeof item.name === 'string' && item.name
        ? item.name
        : typeof item.file === 'string'
          ? item.file
          : '?',
    passed: item.passed === true,
    ...(typeof item.status === 'number' && { status: item.status }),
    latencyMs: typeof item.latencyMs === 'number' ? item.latencyMs : 0
  }));
  const latency = loadLatency(report.load) ?? caseLatency(cases.map((item) => item.latencyMs));
  return {
    passed: typeof report.passed === 'number' ? report.passed : cases.filter((item) => item.passed).length,
    failed: typeof report.failed === 'number' ? report.failed : cases.filter((item) => !item.passed).length,
    cases,
    ...(latency && { latency })
  };
}

function loadLatency(load: Report['load']): LatencyPoints | undefined {
  const latency = load?.latency;
  const numbers = ['p50', 'p95', 'p99', 'max'].map((key) => latency?.[key]);
  if (!numbers.every((value): value is number => typeof value === 'number')) return undefined;
  const [p50, p95, p99, max] = numbers as [number, number, number, number];
  return { p50, p95, p99, max, requests: typeof load?.requests === 'number' ? load.requests : 0 };
}

/** Without a load phase, the cases' own requests (nearest-rank percentiles). */
function caseLatency(values: number[]): LatencyPoints | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (percent: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((percent / 100) * sorted.length) - 1)] as number;
  return {
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: sorted[sorted.length - 1] as number,
    requests: values.length
  };
}

/** deploy-cfn-stack's `changes` output: a JSON list of resource changes. */
export function parseChanges(input: string, json: string): ChangeRow[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value)) {
    throw new ActionError(
      `Input '${input}' is not a JSON list of changes.`,
      "Pass deploy-cfn-stack's 'changes' output as it is."
    );
  }
  const text = (item: Record<string, unknown>, key: string): string => {
    const member = item[key];
    return typeof member === 'string' ? member : '-';
  };
  return value.map((item: Record<string, unknown>) => ({
    action: text(item, 'action'),
    logicalId: text(item, 'logicalId'),
    type: text(item, 'type'),
    replacement: text(item, 'replacement')
  }));
}
