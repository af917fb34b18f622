import { invalidParameter } from './errors.js';

/**
 * Checks a lifecycle policy document as ECR does when it is put: the model's length limits and the
 * documented rule grammar (priority, selection, action). The local stack stores policies; it does not
 * expire images on a schedule.
 */
export function validateLifecyclePolicy(text: unknown): string {
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
  const priorities = new Set<number>();
  rules.forEach((rule: unknown, index) => {
    const where = `rules[${index}]`;
    const { rulePriority, selection, action } = (rule ?? {}) as Record<string, unknown>;
    if (typeof rulePriority !== 'number' || !Number.isInteger(rulePriority) || rulePriority < 1) {
      throw policyError(`${where}.rulePriority must be a positive integer`);
    }
    if (priorities.has(rulePriority)) throw policyError(`rulePriority ${rulePriority} is used twice`);
    priorities.add(rulePriority);
    checkSelection(selection, `${where}.selection`);
    const type = (action as { type?: unknown } | undefined)?.type;
    if (type !== 'expire' && type !== 'transition') {
      throw policyError(`${where}.action.type must be 'expire' or 'transition'`);
    }
  });
  return text;
}

function checkSelection(value: unknown, where: string): void {
  const selection = (value ?? {}) as Record<string, unknown>;
  const { tagStatus, tagPrefixList, tagPatternList, countType, countUnit, countNumber } = selection;
  if (tagStatus !== 'tagged' && tagStatus !== 'untagged' && tagStatus !== 'any') {
    throw policyError(`${where}.tagStatus must be 'tagged', 'untagged' or 'any'`);
  }
  if (tagStatus === 'tagged' && !nonEmptyList(tagPrefixList) && !nonEmptyList(tagPatternList)) {
    throw policyError(`${where} with tagStatus 'tagged' needs tagPrefixList or tagPatternList`);
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
}

function nonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string');
}

function policyError(detail: string) {
  return invalidParameter('lifecyclePolicyText', `Lifecycle policy validation failure: ${detail}`);
}
