import { runUrl, type GitHubContext } from '../../lib/github-context.js';
import type { Lineage, Metrics } from './types.js';

export function lineageOf(context: GitHubContext): Lineage {
  return {
    repository: context.repository,
    commit: context.sha,
    ref: context.ref,
    runUrl: runUrl(context),
    ...(context.pullRequestNumber !== undefined && { pullRequest: context.pullRequestNumber })
  };
}

/**
 * Lineage and metrics as flat string properties: SageMaker's CustomerMetadataProperties and MLflow's
 * version tags. Empty values are left out (SageMaker refuses them; outside Actions some are unknown).
 */
export function lineageProperties(lineage: Lineage, metrics: Metrics): Record<string, string> {
  const entries: [string, string][] = [
    ['git.repository', lineage.repository],
    ['git.commit', lineage.commit],
    ['git.ref', lineage.ref],
    ['ci.run-url', lineage.runUrl],
    ['git.pull-request', lineage.pullRequest === undefined ? '' : String(lineage.pullRequest)],
    ...Object.entries(metrics).map(([name, value]): [string, string] => [`metric.${name}`, String(value)])
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== ''));
}
