import type { RegisteredVersion } from './types.js';

const LABELS: Record<string, string> = {
  'git.repository': 'Repository',
  'git.commit': 'Commit',
  'git.ref': 'Ref',
  'git.pull-request': 'Pull request',
  'ci.run-url': 'Workflow run'
};

/** Markdown for the job summary: the version, its image and where it came from. */
export function versionSummary(
  backend: string,
  mode: 'register' | 'resolve' | 'set-status',
  version: RegisteredVersion
): string {
  const heading =
    mode === 'resolve'
      ? `### Resolved ${version.id}`
      : mode === 'set-status'
        ? `### ${version.id} is ${version.approvalStatus}`
        : version.created
          ? `### Registered ${version.id}`
          : `### ${version.id} was already registered for this image`;
  const rows: [string, string][] = [
    ['Backend', backend],
    ['Version', String(version.version)],
    ['Approval status', version.approvalStatus || '(none)'],
    ...(version.approvalDescription !== undefined
      ? [['Approval', version.approvalDescription] as [string, string]]
      : []),
    ['Image', `\`${version.imageUri}\``]
  ];
  const repositoryUrl = version.properties['ci.run-url']?.split('/actions/runs/')[0];
  for (const [key, label] of Object.entries(LABELS)) {
    const value = version.properties[key];
    if (value === undefined) continue;
    rows.push([label, link(key, value, repositoryUrl)]);
  }
  for (const [key, value] of Object.entries(version.properties)) {
    if (key.startsWith('metric.')) rows.push([`Metric ${key.slice('metric.'.length)}`, value]);
  }
  const table = [
    '| | |',
    '| --- | --- |',
    ...rows.map(([label, value]) => `| ${label} | ${escape(value)} |`)
  ];
  return `${heading}\n\n${table.join('\n')}\n`;
}

/** Commits, pull requests and runs as links on the server the run URL names. */
function link(key: string, value: string, base: string | undefined): string {
  if (key === 'ci.run-url') return `[${value}](${value})`;
  if (!base) return value;
  if (key === 'git.commit') return `[${value.slice(0, 12)}](${base}/commit/${value})`;
  if (key === 'git.pull-request') return `[#${value}](${base}/pull/${value})`;
  return value;
}

function escape(value: string): string {
  return value.replace(/\|/g, '\\|');
}
