import { ActionError } from '../../lib/errors.js';
import type { Log } from '../../lib/log.js';
import type { ReviewedEnvironment, StatusChange } from './types.js';

/** An entry of a run's review history (GitHub's "environment approvals"). */
interface EnvironmentApproval {
  state?: string;
  environments?: { name?: string }[];
  user?: { login?: string } | null;
}

/**
 * The status change with who approved it: the reviewer of the run's environment named by `reviewedIn`,
 * asked of GitHub's review history of the run; the triggering actor (`by` as parsed) when there is no
 * token to ask with or the history names no approval of that environment.
 */
export async function withReviewer(
  change: StatusChange,
  log: Log,
  fetchImpl: typeof fetch = fetch
): Promise<StatusChange> {
  const environment = change.reviewedIn;
  if (environment === undefined) return change;
  const fallback = change.by ? `the triggering actor ${change.by}` : 'no one';
  if (!environment.token || !environment.runId || !environment.repository) {
    log.info(
      `No GitHub token or run to ask who approved environment ${environment.name}: recording ${fallback}.`
    );
    return change;
  }
  const reviewer = await approverOf(environment, fetchImpl, log);
  if (reviewer === undefined) {
    log.info(
      `GitHub's review history of run ${environment.runId} names no approval of environment ${environment.name}: recording ${fallback}.`
    );
    return change;
  }
  log.info(`${reviewer} approved environment ${environment.name} in run ${environment.runId}.`);
  return { ...change, by: reviewer };
}

/**
 * The reviewer who approved the environment in the run (the last listed, should there be several), from
 * `GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals` at GITHUB_API_URL. A run the API does not
 * know (404, e.g. a local run) names no one; a refused token is an error, as the record would be wrong.
 */
async function approverOf(
  environment: ReviewedEnvironment,
  fetchImpl: typeof fetch,
  log: Log
): Promise<string | undefined> {
  const url = `${environment.apiUrl.replace(/\/+$/, '')}/repos/${environment.repository}/actions/runs/${environment.runId}/approvals`;
  const response = await fetchImpl(url, {
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${environment.token}`,
      'user-agent': 'modelship-register-model',
      'x-github-api-version': '2022-11-28'
    }
  }).catch((error: unknown) => {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? String(error);
    throw new ActionError(
      `Cannot reach GitHub's API at ${url} to read who approved environment ${environment.name}: ${cause}.`,
      'Check GITHUB_API_URL (set by the runner; GitHub Enterprise Server has its own).'
    );
  });
  if (response.status === 404) {
    log.warning(
      `GitHub's API does not know run ${environment.runId} of ${environment.repository} (${url}: 404).`
    );
    return undefined;
  }
  if (!response.ok) {
    const detail = await response.text().catch(() => '');
    throw new ActionError(
      `GitHub API GET ${url} answered ${response.status} reading who approved environment ${environment.name}: ${detail.slice(0, 300)}.`,
      response.status === 401 || response.status === 403
        ? "Give the job 'permissions: actions: read' (and the calling workflow too) and pass the workflow's token as 'github-token'."
        : 'Re-run the job; if it persists, check https://www.githubstatus.com.'
    );
  }
  const history = (await response.json()) as EnvironmentApproval[];
  const wanted = environment.name.toLowerCase();
  const approvals = (Array.isArray(history) ? history : []).filter(
    (entry) =>
      entry.state === 'approved' &&
      entry.user?.login &&
      entry.environments?.some((candidate) => candidate.name?.toLowerCase() === wanted)
  );
  return approvals.at(-1)?.user?.login;
}
