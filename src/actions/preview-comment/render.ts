import { MARKER, encodeState } from './state.js';
import type { ChangeRow, CommentState, Deployment, LatencyPoints, SmokeSummary } from './types.js';

/** What happened in this run: a deployment (or a failed one), or the teardown on close. */
export type PreviewEvent = { kind: 'deployment'; deployment: Deployment } | { kind: 'teardown'; at: string };

/**
 * The comment's next state: a new version's deployment remembers the last one's latency as "previous"
 * (a re-run of the same version keeps the comparison it had); a teardown keeps what was deployed.
 */
export function nextState(state: CommentState, event: PreviewEvent): CommentState {
  if (event.kind === 'teardown') return { ...state, tornDownAt: event.at };
  const last = state.deployment;
  const latency = last?.smoke?.latency;
  const previous =
    last && latency && versionLabel(last) !== versionLabel(event.deployment)
      ? { label: versionLabel(last), latency }
      : state.previous;
  return { deployment: event.deployment, ...(previous && { previous }) };
}

/** The model version (`group/3`), else the image digest, that names what a deployment ran. */
export function versionLabel(deployment: Deployment): string {
  const version = /:model-package\/([^/]+\/\d+)$/.exec(deployment.modelPackageArn ?? '')?.[1];
  if (version) return version;
  const digest = digestOf(deployment.imageUri);
  return digest ? digest.slice(0, 19) : deployment.commit.slice(0, 7);
}

export function digestOf(imageUri: string | undefined): string | undefined {
  return /@(sha256:[0-9a-f]{64})$/.exec(imageUri ?? '')?.[1];
}

/** The whole comment body: marker first, the readable parts, the state last. */
export function renderComment(state: CommentState): string {
  const deployment = state.deployment;
  const parts = [MARKER];
  if (!deployment) {
    parts.push('## Preview endpoint', '', state.tornDownAt ? tornDownNote(state.tornDownAt, undefined) : '');
  } else {
    parts.push(heading(deployment, state.tornDownAt), '');
    if (state.tornDownAt) parts.push(tornDownNote(state.tornDownAt, deployment), '');
    parts.push(detailsTable(deployment), '');
    parts.push(smokeSection(deployment.smoke, state.previous, versionLabel(deployment)), '');
    parts.push(changesSection(deployment), '');
    if (!state.tornDownAt && deployment.outcome === 'deployed') parts.push(invokeSection(deployment), '');
  }
  parts.push(encodeState(state));
  return parts.join('\n');
}

function heading(deployment: Deployment, tornDownAt: string | undefined): string {
  const status = tornDownAt
    ? 'torn down'
    : deployment.outcome === 'deployed'
      ? '✅ deployed'
      : '❌ deploy or smoke test failed';
  return `## Preview endpoint \`${deployment.endpointName}\`: ${status}`;
}

function tornDownNote(at: string, deployment: Deployment | undefined): string {
  const what = deployment
    ? `stack \`${deployment.stackName}\` and its endpoint deleted, with this pull request's image tags and preview model versions`
    : "this pull request's stack, image tags and preview model versions deleted";
  return `> [!NOTE]\n> The pull request was closed and the preview torn down at ${at}: ${what}. The details below are of its last deployment.`;
}

function detailsTable(deployment: Deployment): string {
  const rows: [string, string][] = [
    ['Endpoint', `\`${deployment.endpointName}\` (${deployment.region})`],
    ['Stack', `\`${deployment.stackName}\``],
    ['Image', digestOf(deployment.imageUri) ? `\`${digestOf(deployment.imageUri)}\`` : 'not pushed'],
    ['Model version', deployment.modelPackageArn ? `\`${versionLabel(deployment)}\`` : 'not registered'],
    ['Commit', `\`${deployment.commit.slice(0, 7)}\``]
  ];
  if (deployment.runUrl) rows.push(['Run', `[${deployment.runUrl}](${deployment.runUrl})`]);
  return table(['', ''], rows);
}

function smokeSection(
  smoke: SmokeSummary | undefined,
  previous: CommentState['previous'],
  label: string
): string {
  if (!smoke) return '### Smoke test\nThe smoke test did not run (an earlier step failed); see the run.';
  const lines = [
    `### Smoke test: ${smoke.passed} passed, ${smoke.failed} failed`,
    '',
    table(
      ['Case', 'Result', 'Status', 'Latency (ms)'],
      smoke.cases.map((row) => [
        row.name,
        row.passed ? '✅ pass' : '❌ fail',
        row.status === undefined ? '-' : String(row.status),
        formatMs(row.latencyMs)
      ])
    )
  ];
  if (smoke.latency) {
    lines.push('', latencyLine(smoke.latency, previous), '', latencyChart(smoke.latency, label, previous));
  }
  return lines.join('\n');
}

function latencyLine(latency: LatencyPoints, previous: CommentState['previous']): string {
  const now = `**p50 ${formatMs(latency.p50)} ms · p95 ${formatMs(latency.p95)} ms** over ${latency.requests} requests`;
  return previous
    ? `${now}; previous version \`${previous.label}\`: p50 ${formatMs(previous.latency.p50)} ms · p95 ${formatMs(previous.latency.p95)} ms.`
    : `${now}; no previous version to compare with yet.`;
}

const CHART_POINTS = ['p50', 'p95', 'p99', 'max'] as const;

/**
 * The latency distribution as a Mermaid xychart, which GitHub renders: this version as bars, the
 * previous one as a line over the same percentiles.
 */
export function latencyChart(
  latency: LatencyPoints,
  label: string,
  previous: CommentState['previous']
): string {
  const values = (points: LatencyPoints) => CHART_POINTS.map((point) => round(points[point]));
  const top = Math.max(...values(latency), ...(previous ? values(previous.latency) : [0]));
  const lines = [
    '```mermaid',
    'xychart-beta',
    `  title "Latency (ms): ${chartText(label)}${previous ? ` (bars) vs ${chartText(previous.label)} (line)` : ''}"`,
    `  x-axis [${CHART_POINTS.map((point) => `"${point}"`).join(', ')}]`,
    `  y-axis "ms" 0 --> ${Math.max(1, Math.ceil((top * 11) / 10))}`,
    `  bar [${values(latency).join(', ')}]`
  ];
  if (previous) lines.push(`  line [${values(previous.latency).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}

function changesSection(deployment: Deployment): string {
  const title = `### Changes to stack \`${deployment.stackName}\``;
  if (deployment.changes === undefined) return `${title}\nNo change set was made (the deploy did not run).`;
  if (deployment.changes.length === 0) return `${title}\nNo changes: the stack already matched this version.`;
  const replaced = deployment.changes.filter((change) => change.replacement === 'True').length;
  const rows = deployment.changes.map((change: ChangeRow) => [
    change.action,
    `\`${change.logicalId}\``,
    change.type,
    change.replacement === 'True'
      ? '**⚠️ replaced**'
      : change.replacement === 'Conditional'
        ? '⚠️ may be replaced'
        : change.replacement
  ]);
  const warning =
    replaced > 0
      ? `\n\n${replaced} resource(s) replaced: they get new physical IDs (a new endpoint config).`
      : '';
  return `${title}\n\n${table(['Action', 'Logical ID', 'Type', 'Replacement'], rows)}${warning}`;
}

function invokeSection(deployment: Deployment): string {
  return [
    '### Invoke it',
    '```bash',
    `aws sagemaker-runtime invoke-endpoint --region ${deployment.region} \\`,
    `  --endpoint-name ${deployment.endpointName} \\`,
    '  --content-type application/json --body fileb://payload.json answer.json',
    '```'
  ].join('\n');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A Markdown table cell: a pipe or a line break would end the cell or the row. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function chartText(text: string): string {
  return text.replace(/"/g, "'");
}

function formatMs(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
