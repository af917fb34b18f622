import * as core from '@actions/core';

export type SummaryCell = string | number | boolean | undefined;

/**
 * Appends a heading and a two-or-more-column table to the job summary. Writing is skipped (not failed)
 * outside a runner, where GITHUB_STEP_SUMMARY is unset.
 */
export async function writeSummaryTable(
  heading: string,
  header: readonly string[],
  rows: readonly (readonly SummaryCell[])[]
): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  const table = [
    header.map((cell) => ({ data: cell, header: true })),
    ...rows.map((row) => row.map((cell) => (cell === undefined ? '' : String(cell))))
  ];
  await core.summary.addHeading(heading, 3).addTable(table).write();
}

export async function writeSummaryText(markdown: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  await core.summary.addRaw(markdown, true).write();
}

/** Sets each output and, for outputs that are lists, joins them one per line as the runner expects. */
export function setOutputs(outputs: Record<string, string | number | boolean | readonly string[]>): void {
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, Array.isArray(value) ? value.join('\n') : String(value));
  }
}
