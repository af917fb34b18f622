import { ActionError } from '../../lib/errors.js';
import type { ApprovalStatus, RegisteredVersion, StatusChange } from './types.js';

/** SageMaker's ApprovalDescription limit. */
const DESCRIPTION_LIMIT = 1024;

/** Properties naming who set the status and in which run (SageMaker customer metadata, MLflow tags). */
export const APPROVED_BY = 'approval.by';
export const APPROVAL_RUN_URL = 'approval.run-url';

/** `Approved by alice in https://github.com/acme/m/actions/runs/7: smoke tests passed`. */
export function approvalDescription(change: StatusChange): string {
  const who = change.by ? ` by ${change.by}` : '';
  const where = change.runUrl ? ` in ${change.runUrl}` : '';
  const why = change.reason ? `: ${change.reason}` : '';
  const text = `${change.approvalStatus}${who}${where}${why}`;
  return text.length > DESCRIPTION_LIMIT ? `${text.slice(0, DESCRIPTION_LIMIT - 1)}…` : text;
}

export function approvalProperties(change: StatusChange): Record<string, string> {
  const entries: [string, string][] = [
    [APPROVED_BY, change.by],
    [APPROVAL_RUN_URL, change.runUrl]
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== ''));
}

/**
 * A Rejected version is never deployed nor approved again: a rejection is final, and the fix is a new
 * version. A status change to the status the version has is left alone (a re-run changes nothing).
 */
export function checkStatusChange(version: RegisteredVersion, wanted: ApprovalStatus): 'change' | 'same' {
  if (version.approvalStatus === wanted) return 'same';
  if (version.approvalStatus === 'Rejected') {
    throw new ActionError(
      `${version.id} was Rejected${reasonOf(version)}; it cannot become ${wanted}.`,
      'A rejected version is never deployed again: register a new version (push a fix) and release that one.'
    );
  }
  return 'change';
}

/**
 * A version about to be deployed: never a Rejected one, and when a status is asked for (production
 * deploys only Approved versions), one with that status.
 */
export function checkDeployable(version: RegisteredVersion, wanted: ApprovalStatus | undefined): void {
  if (version.approvalStatus === 'Rejected') {
    throw new ActionError(
      `${version.id} was Rejected${reasonOf(version)}: a rejected version is never deployed.`,
      'Deploy another version (the latest Approved one is resolved when no version is given), or register a fixed one.'
    );
  }
  if (wanted !== undefined && version.approvalStatus !== wanted) {
    throw new ActionError(
      `${version.id} is ${version.approvalStatus || 'without an approval status'}, not ${wanted}.`,
      wanted === 'Approved'
        ? 'Approve it first (the promote workflow waits for the reviewers of the production environment), or give another version.'
        : `Give a version that is ${wanted}.`
    );
  }
}

function reasonOf(version: RegisteredVersion): string {
  return version.approvalDescription ? ` (${version.approvalDescription})` : '';
}
