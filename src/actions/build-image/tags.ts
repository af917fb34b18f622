import type { GitHubContext } from '../../lib/github-context.js';
import { slugForTag } from './references.js';

/**
 * The tags used when the `tags` input is empty: the short commit sha, the branch as a slug, `pr-<n>` for
 * pull requests, `latest` on the default branch, and the git tag for a pushed tag. Outside a workflow
 * run, `latest` alone.
 */
export function defaultTags(context: GitHubContext): string[] {
  const tags: string[] = [];
  if (context.sha) tags.push(context.sha.slice(0, 7));
  if (context.pullRequestNumber !== undefined) {
    tags.push(`pr-${context.pullRequestNumber}`);
  } else if (context.branch) {
    const slug = slugForTag(context.branch);
    if (slug) tags.push(slug);
    if (context.defaultBranch !== undefined && context.branch === context.defaultBranch) tags.push('latest');
  } else if (context.ref.startsWith('refs/tags/')) {
    const slug = slugForTag(context.ref.slice('refs/tags/'.length));
    if (slug) tags.push(slug);
  }
  if (tags.length === 0) tags.push('latest');
  return [...new Set(tags)];
}
