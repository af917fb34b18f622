import type { GitHubContext } from '../../lib/github-context.js';
import { repositoryUrl } from '../../lib/github-context.js';

/**
 * OCI annotations every image gets from the workflow run (source, revision, creation time, title,
 * version); labels given by the user are merged over them.
 */
export function ociLabels(
  context: GitHubContext,
  image: string,
  version: string,
  created: Date
): Map<string, string> {
  const labels = new Map<string, string>();
  const source = repositoryUrl(context);
  if (source) labels.set('org.opencontainers.image.source', source);
  if (context.sha) labels.set('org.opencontainers.image.revision', context.sha);
  labels.set('org.opencontainers.image.created', created.toISOString());
  labels.set(
    'org.opencontainers.image.title',
    context.repository.split('/')[1] || image.split('/').pop() || image
  );
  labels.set('org.opencontainers.image.version', version);
  return labels;
}

export function mergeLabels(automatic: Map<string, string>, user: Map<string, string>): Map<string, string> {
  return new Map([...automatic, ...user]);
}
