import type { Tag } from '@aws-sdk/client-cloudformation';
import { InputError } from '../../lib/errors.js';
import type { GitHubContext } from '../../lib/github-context.js';
import { parseKeyValues } from '../../lib/inputs.js';

/** CloudFormation's limits on stack tags (which it copies to every resource that supports tags). */
const MAX_TAGS = 50;
const MAX_KEY = 128;
const MAX_VALUE = 256;

export const LINEAGE_PREFIX = 'modelship:';

/** The 'tags' input: KEY=VALUE lines, checked against CloudFormation's tag rules. */
export function parseTags(raw: string): Tag[] {
  return [...parseKeyValues(raw, 'tags')].map(([key, value]) => {
    if (key.length > MAX_KEY) {
      throw new InputError('tags', `the key '${key}' is longer than ${MAX_KEY} characters`, 'Shorten it.');
    }
    if (key.toLowerCase().startsWith('aws:')) {
      throw new InputError(
        'tags',
        `the key '${key}' uses the prefix 'aws:', which AWS reserves`,
        'Choose another key.'
      );
    }
    if (value === '' || value.length > MAX_VALUE) {
      throw new InputError(
        'tags',
        `the value of '${key}' must be 1 to ${MAX_VALUE} characters long`,
        'Give a non-empty value, or drop the tag.'
      );
    }
    return { Key: key, Value: value };
  });
}

/**
 * Tags that say where a stack came from: the repository, the commit and, for pull-request previews, the
 * pull request. They change only when the deployed commit changes, so a re-run stays "no changes".
 */
export function lineageTags(context: GitHubContext): Tag[] {
  const tags: Tag[] = [];
  if (context.repository) tags.push({ Key: `${LINEAGE_PREFIX}repository`, Value: context.repository });
  if (context.sha) tags.push({ Key: `${LINEAGE_PREFIX}commit`, Value: context.sha });
  if (context.pullRequestNumber !== undefined) {
    tags.push({ Key: `${LINEAGE_PREFIX}pull-request`, Value: String(context.pullRequestNumber) });
  }
  return tags;
}

/** Lineage tags, then the user's; the user's value wins for a key both give. */
export function mergeTags(lineage: readonly Tag[], user: readonly Tag[]): Tag[] {
  const byKey = new Map<string, Tag>();
  for (const tag of [...lineage, ...user]) byKey.set(tag.Key ?? '', tag);
  if (byKey.size > MAX_TAGS) {
    throw new InputError(
      'tags',
      `${byKey.size} tags (with the ${lineage.length} lineage tags) is more than CloudFormation's ${MAX_TAGS}`,
      'Drop some tags.'
    );
  }
  return [...byKey.values()];
}
