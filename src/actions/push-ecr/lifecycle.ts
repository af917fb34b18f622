import { readFileSync } from 'node:fs';
import { InputError } from '../../lib/errors.js';
import { RELEASE_TAG_PREFIX } from '../../lib/retention.js';

/** Tags of pull-request images (the preview workflow tags `pr-<number>-<sha>`). */
export const PREVIEW_TAG_PREFIX = 'pr-';
/**
 * ECR has no "never expire" rule. A rule that selects release tags and keeps more of them than any
 * repository holds stands for it: ECR never lets a lower-priority rule expire an image a higher-priority
 * rule's tag selection matched (the lifecycle policy evaluation rules). 9999 is the count ECR's own
 * engineers suggest for it.
 */
const RELEASE_IMAGES_KEPT = 9999;

export interface RetentionSettings {
  /** The newest images kept; older ones that no other rule selects (commit tags) expire. */
  keepImages: number;
  /** Days after its push that a pull-request image expires. */
  previewRetentionDays: number;
}

/**
 * The default lifecycle policy, retention by tag prefix: release tags never expire, pull-request tags
 * after `previewRetentionDays`, untagged images after a day, and of the rest (commit tags) the newest
 * `keepImages` stay. ECR counts every image towards the last rule's count (images the earlier rules
 * selected included) but expires only those no earlier rule selected.
 */
export function retentionPolicy({ keepImages, previewRetentionDays }: RetentionSettings): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Release images (${RELEASE_TAG_PREFIX}*) never expire`,
        selection: {
          tagStatus: 'tagged',
          tagPrefixList: [RELEASE_TAG_PREFIX],
          countType: 'imageCountMoreThan',
          countNumber: RELEASE_IMAGES_KEPT
        },
        action: { type: 'expire' }
      },
      {
        rulePriority: 2,
        description: `Pull-request images (${PREVIEW_TAG_PREFIX}*) expire ${previewRetentionDays} days after push`,
        selection: {
          tagStatus: 'tagged',
          tagPrefixList: [PREVIEW_TAG_PREFIX],
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: previewRetentionDays
        },
        action: { type: 'expire' }
      },
      {
        rulePriority: 3,
        description: 'Untagged images expire a day after push',
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: 1
        },
        action: { type: 'expire' }
      },
      {
        rulePriority: 4,
        description: `Commit images: keep the newest ${keepImages} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keepImages },
        action: { type: 'expire' }
      }
    ]
  });
}

/** Reads a lifecycle policy file and checks that it is a JSON document with rules, as ECR expects. */
export function readLifecyclePolicy(input: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(
      input,
      `cannot read '${path}' (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      'Give the path of a lifecycle policy JSON file, relative to the repository root.'
    );
  }
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      input,
      `'${path}' is not valid JSON (${(error as Error).message})`,
      'Write the policy as ECR documents it: {"rules": [...]}.'
    );
  }
  if (
    typeof policy !== 'object' ||
    policy === null ||
    !Array.isArray((policy as { rules?: unknown }).rules)
  ) {
    throw new InputError(
      input,
      `'${path}' has no 'rules' list`,
      'Write the policy as ECR documents it: {"rules": [...]}.'
    );
  }
  return text;
}
