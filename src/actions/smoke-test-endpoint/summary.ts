import type { CaseResult, SmokeTestResult, ThresholdResult } from './run.js';
import { formatMs } from './expectations.js';

export const CASE_COLUMNS = ['Result', 'Case', 'File', 'Status', 'Latency (ms)', 'First mismatch'] as const;
export const LOAD_COLUMNS = ['Measure', 'Value'] as const;

/** One row per case for the job summary table (cells are HTML-escaped: the summary table is HTML). */
export function caseRows(result: SmokeTestResult): string[][] {
  return result.cases.map((entry) => [
    entry.passed ? '✅ pass' : '❌ fail',
    escapeHtml(entry.name),
    escapeHtml(entry.file),
    entry.status === undefined ? '—' : String(entry.status),
    formatMs(entry.latencyMs) + (entry.attempts > 1 ? ` (${entry.attempts} attempts)` : ''),
    entry.mismatches[0] ? escapeHtml(entry.mismatches[0].message) : '—'
  ]);
}

export function loadRows(result: SmokeTestResult): string[][] {
  const { load } = result;
  if (!load) return [];
  const rows = [
    ['Requests', `${load.requests} at concurrency ${load.concurrency}`],
    ['Duration', `${(load.durationMs / 1000).toFixed(2)} s`],
    ['Throughput', `${load.throughput.toFixed(1)} requests/s`],
    ['Errors', `${load.errors} (${(load.errorRate * 100).toFixed(2)}%)`]
  ];
  if (load.latency) {
    const { p50, p95, p99, max } = load.latency;
    rows.push(['Latency p50 / p95 / p99 / max', [p50, p95, p99, max].map(formatMs).join(' / ') + ' ms']);
  }
  for (const threshold of result.thresholds) rows.push([threshold.name, describeThreshold(threshold)]);
  load.errorSamples.forEach((sample, index) => rows.push([`Error sample ${index + 1}`, escapeHtml(sample)]));
  return rows;
}

function describeThreshold(threshold: ThresholdResult): string {
  const show = (value: number) =>
    threshold.name === 'max-error-rate' ? `${(value * 100).toFixed(2)}%` : `${formatMs(value)} ms`;
  return `${threshold.passed ? '✅' : '❌'} ${show(threshold.actual)} (limit ${show(threshold.limit)})`;
}

/** Every mismatch of a failed case with its diff: the text of the case file's annotation. */
export function failureText(entry: CaseResult): string {
  return entry.mismatches
    .map((mismatch) => (mismatch.diff ? `${mismatch.message}\n${mismatch.diff}` : mismatch.message))
    .join('\n');
}

/** Details below the tables: each failing case's mismatches and diffs, in a collapsible block. */
export function failureDetails(result: SmokeTestResult): string {
  return result.cases
    .filter((entry) => !entry.passed)
    .map(
      (entry) =>
        `<details><summary>${escapeHtml(entry.file)}: ${escapeHtml(entry.name)}</summary>\n\n` +
        '```diff\n' +
        failureText(entry) +
        '\n```\n</details>\n'
    )
    .join('\n');
}

/** Why the step fails, in one message; undefined when it passes. */
export function failureMessage(result: SmokeTestResult): string | undefined {
  const reasons: string[] = [];
  if (result.failed > 0) {
    const files = result.cases.filter((entry) => !entry.passed).map((entry) => entry.file);
    reasons.push(`${result.failed} of ${result.cases.length} case(s) failed (${files.join(', ')})`);
  }
  for (const threshold of result.thresholds.filter((entry) => !entry.passed)) {
    reasons.push(`${threshold.name}: ${describeThreshold(threshold).replace(/^❌ /, '')}`);
  }
  return reasons.length > 0 ? `Smoke test of ${result.target} failed: ${reasons.join('; ')}.` : undefined;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
