import type { Change } from '@aws-sdk/client-cloudformation';
import type { ResourceChangeRow } from './types.js';

export const CHANGE_COLUMNS = ['Action', 'Logical ID', 'Type', 'Replacement'] as const;

/**
 * One row per resource change. Replacement is what a reviewer cares about most: "True" means the resource
 * is recreated (a new physical ID), "Conditional" that it may be; additions and removals have none.
 */
export function changeRows(changes: readonly Change[]): ResourceChangeRow[] {
  return changes
    .map((change) => change.ResourceChange)
    .filter((resource) => resource !== undefined)
    .map((resource) => ({
      action: resource.Action ?? '-',
      logicalId: resource.LogicalResourceId ?? '-',
      type: resource.ResourceType ?? '-',
      replacement: resource.Action === 'Modify' ? (resource.Replacement ?? '-') : '-'
    }));
}

function cells(row: ResourceChangeRow): string[] {
  return [row.action, row.logicalId, row.type, row.replacement];
}

/** A fixed-width text table for the log. */
export function formatChangeTable(rows: readonly ResourceChangeRow[]): string {
  const table = [[...CHANGE_COLUMNS], ...rows.map(cells)];
  const widths = CHANGE_COLUMNS.map((_, column) =>
    Math.max(...table.map((row) => (row[column] ?? '').length))
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(table[0] ?? []), rule, ...table.slice(1).map(line)].join('\n');
}

/** The same rows as cells for the job summary table. */
export function changeSummaryRows(rows: readonly ResourceChangeRow[]): string[][] {
  return rows.map(cells);
}
