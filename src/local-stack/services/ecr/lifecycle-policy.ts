import { invalidParameter } from './errors.js';

/** One rule of a lifecycle policy, as ECR's documented grammar allows it. */
export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: 'tagged' | 'untagged' | 'any';
    tagPrefixList?: string[];
    tagPatternList?: string[];
    countType: 'imageCountMoreThan' | 'sinceImagePushed';
    countUnit?: 'days';
    countNumber: number;
  };
  action: { type: 'expire' | 'transition'; targetStorageClass?: string };
}

/** ECR allows at most four wildcards in one tagPatternList entry. */
const MAX_WILDCARDS = 4;

/**
 * Checks a lifecycle policy document as ECR does when it is put or previewed: the model's length
 * limits and the documented rule grammar (unique priorities, selection, action, `any` evaluated last,
 * one rule for untagged images, prefixes or patterns but not both, no set of tag prefixes in two rules).
 */
export function validateLifecyclePolicy(text: unknown): string {
  parseLifecyclePolicy(text);
  return text as string;
}

/** The policy's rules in evaluation order (lowest rulePriority first); throws as validateLifecyclePolicy. */
export function parseLifecyclePolicy(text: unknown): LifecycleRule[] {
  if (typeof text !== 'string' || text.length < 100 || text.length > 30720) {
    throw policyError('the policy text must be 100 to 30720 characters of JSON');
  }
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch (error) {
    throw policyError(`the policy is not valid JSON (${(error as Error).message})`);
  }
  const rules = (policy as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules) || rules.length === 0) throw policyError("'rules' must be a non-empty list");
  const parsed = rules.map((rule: unknown, index) => parseRule(rule, `rules[${index}]`));
  const priorities = new Set<number>();
  for (const rule of parsed) {
    if (priorities.has(rule.rulePriority))
      throw policyError(`rulePriority ${rule.rulePriority} is used twice`);
    priorities.add(rule.rulePriority);
  }
  const prefixSets = new Set<string>();
  for (const rule of parsed) {
    const prefixes = rule.selection.tagPrefixList;
    if (!prefixes) continue;
    const key = JSON.stringify([...new Set(prefixes)].sort());
    if (prefixSets.has(key)) throw policyError(`tagPrefixList ${key} is used by two rules`);
    prefixSets.add(key);
  }
  const ordered = parsed.sort((a, b) => a.rulePriority - b.rulePriority);
  const anyRule = ordered.findIndex((rule) => rule.selection.tagStatus === 'any');
  if (anyRule !== -1 && anyRule !== ordered.length - 1) {
    throw policyError(
      `the rule with tagStatus 'any' (rulePriority ${ordered[anyRule]!.rulePriority}) must have the highest rulePriority`
    );
  }
  if (ordered.filter((rule) => rule.selection.tagStatus === 'untagged').length > 1) {
    throw policyError("only one rule may select untagged images (tagStatus 'untagged')");
  }
  return ordered;
}

function parseRule(value: unknown, where: string): LifecycleRule {
  const { rulePriority, description, selection, action } = (value ?? {}) as Record<string, unknown>;
  if (typeof rulePriority !== 'number' || !Number.isInteger(rulePriority) || rulePriority < 1) {
    throw policyError(`${where}.rulePriority must be a positive integer`);
  }
  if (description !== undefined && typeof description !== 'string') {
    throw policyError(`${where}.description must be a string`);
  }
  const { type, targetStorageClass } = (action ?? {}) as Record<string, unknown>;
  if (type !== 'expire' && type !== 'transition') {
    throw policyError(`${where}.action.type must be 'expire' or 'transition'`);
  }
  if (targetStorageClass !== undefined && typeof targetStorageClass !== 'string') {
    throw policyError(`${where}.action.targetStorageClass must be a string`);
  }
  return {
    rulePriority,
    ...(description !== undefined && { description }),
    selection: parseSelection(selection, `${where}.selection`),
    action: { type, ...(targetStorageClass !== undefined && { targetStorageClass }) }
  };
}

function parseSelection(value: unknown, where: string): LifecycleRule['selection'] {
  const selection = (value ?? {}) as Record<string, unknown>;
  const { tagStatus, tagPrefixList, tagPatternList, countType, countUnit, countNumber } = selection;
  if (tagStatus !== 'tagged' && tagStatus !== 'untagged' && tagStatus !== 'any') {
    throw policyError(`${where}.tagStatus must be 'tagged', 'untagged' or 'any'`);
  }
  const prefixes = optionalTagList(tagPrefixList, `${where}.tagPrefixList`);
  const patterns = optionalTagList(tagPatternList, `${where}.tagPatternList`);
  if (prefixes && patterns) {
    throw policyError(`${where} may have tagPrefixList or tagPatternList, not both`);
  }
  if (tagStatus === 'tagged' && !prefixes && !patterns) {
    throw policyError(`${where} with tagStatus 'tagged' needs tagPrefixList or tagPatternList`);
  }
  if (tagStatus !== 'tagged' && (prefixes || patterns)) {
    throw policyError(`${where}.tagPrefixList and tagPatternList are only allowed with tagStatus 'tagged'`);
  }
  const tooWild = patterns?.find((pattern) => pattern.split('*').length - 1 > MAX_WILDCARDS);
  if (tooWild !== undefined) {
    throw policyError(`${where}.tagPatternList entry '${tooWild}' has more than ${MAX_WILDCARDS} wildcards`);
  }
  if (typeof countNumber !== 'number' || !Number.isInteger(countNumber) || countNumber < 1) {
    throw policyError(`${where}.countNumber must be a positive integer`);
  }
  if (countType === 'imageCountMoreThan') {
    if (countUnit !== undefined)
      throw policyError(`${where}.countUnit is only allowed with sinceImagePushed`);
  } else if (countType === 'sinceImagePushed') {
    if (countUnit !== 'days') throw policyError(`${where}.countUnit must be 'days' with sinceImagePushed`);
  } else {
    throw policyError(`${where}.countType must be 'imageCountMoreThan' or 'sinceImagePushed'`);
  }
  return {
    tagStatus,
    ...(prefixes && { tagPrefixList: prefixes }),
    ...(patterns && { tagPatternList: patterns }),
    countType,
    ...(countType === 'sinceImagePushed' && { countUnit: 'days' as const }),
    countNumber
  };
}

function optionalTagList(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((item) => typeof item === 'string' && item.length > 0)
  ) {
    throw policyError(`${where} must be a non-empty list of non-empty strings`);
  }
  return value as string[];
}

function policyError(detail: string) {
  return invalidParameter('lifecyclePolicyText', `Lifecycle policy validation failure: ${detail}`);
}
