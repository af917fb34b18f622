import type { LifecycleRule } from './lifecycle-policy.js';
import { wildcardPattern } from './repositories.js';

/** What evaluation needs of an image: its digest, tags and push time. */
export interface EvaluatedImage {
  digest: string;
  tags: string[];
  pushedAt?: Date;
}

export interface Expiry<T extends EvaluatedImage> {
  image: T;
  rule: LifecycleRule;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The images a lifecycle policy expires, with the rule that expires each, following ECR's evaluation
 * rules (docs: "Lifecycle policy evaluation rules"):
 * - rules run in rulePriority order; an image is expired by one rule at most;
 * - a rule identifies every image matching its tag selection, including images a higher-priority rule
 *   already expired (they still count towards imageCountMoreThan), newest first;
 * - an image that matched a higher-priority rule's tag selection cannot be expired by a lower one;
 * - `tagged` with several prefixes or patterns selects images having a tag for each of them;
 * - images a manifest list references (`protected`) are never expired while it exists.
 * Transition rules (archive storage) are not modelled by the local stack: they expire nothing, but the
 * images their tag selection matches are still out of lower rules' reach, as for any rule.
 */
export function evaluateLifecycle<T extends EvaluatedImage>(
  rules: readonly LifecycleRule[],
  images: readonly T[],
  now: Date,
  protectedDigests: ReadonlySet<string> = new Set()
): Expiry<T>[] {
  const newestFirst = [...images].sort(
    (a, b) => (b.pushedAt?.getTime() ?? 0) - (a.pushedAt?.getTime() ?? 0) || a.digest.localeCompare(b.digest)
  );
  const claimed = new Set<string>();
  const expired = new Map<string, Expiry<T>>();
  for (const rule of [...rules].sort((a, b) => a.rulePriority - b.rulePriority)) {
    const matching = newestFirst.filter((image) => matchesTags(rule.selection, image.tags));
    const selected = rule.action.type === 'expire' ? selectByCount(rule.selection, matching, now) : [];
    for (const image of selected) {
      if (claimed.has(image.digest) || expired.has(image.digest) || protectedDigests.has(image.digest))
        continue;
      expired.set(image.digest, { image, rule });
    }
    for (const image of matching) claimed.add(image.digest);
  }
  // Oldest first, as ECR expires them, whichever rule expires each.
  const newestRank = new Map(newestFirst.map((image, index) => [image.digest, index]));
  return [...expired.values()].sort(
    (a, b) => (newestRank.get(b.image.digest) ?? 0) - (newestRank.get(a.image.digest) ?? 0)
  );
}

function matchesTags(selection: LifecycleRule['selection'], tags: readonly string[]): boolean {
  switch (selection.tagStatus) {
    case 'any':
      return true;
    case 'untagged':
      return tags.length === 0;
    case 'tagged': {
      if (tags.length === 0) return false;
      if (selection.tagPrefixList) {
        return selection.tagPrefixList.every((prefix) => tags.some((tag) => tag.startsWith(prefix)));
      }
      const patterns = (selection.tagPatternList ?? []).map(wildcardPattern);
      return patterns.every((pattern) => tags.some((tag) => pattern.test(tag)));
    }
  }
}

/** The matching images (newest first) the count criterion selects for expiry. */
function selectByCount<T extends EvaluatedImage>(
  selection: LifecycleRule['selection'],
  matching: readonly T[],
  now: Date
): T[] {
  if (selection.countType === 'imageCountMoreThan') return matching.slice(selection.countNumber);
  const cutoff = now.getTime() - selection.countNumber * DAY_MS;
  return matching.filter((image) => (image.pushedAt?.getTime() ?? 0) < cutoff);
}
