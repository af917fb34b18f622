import { randomInt } from 'node:crypto';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A name for a resource whose template leaves it out, built as CloudFormation builds them:
 * `<stack>-<logicalId>-<random>`, shortening the stack and logical id parts to fit `maxLength`.
 */
export function generatePhysicalName(
  stackName: string,
  logicalId: string,
  maxLength: number,
  suffixLength = 13
): string {
  const suffix = randomSuffix(suffixLength);
  const budget = maxLength - suffix.length - 2;
  const logicalPart = logicalId.slice(0, Math.max(Math.floor(budget / 2), budget - stackName.length));
  const stackPart = stackName.slice(0, budget - logicalPart.length);
  return `${stackPart}-${logicalPart}-${suffix}`;
}

export function randomSuffix(length: number, alphabet = SUFFIX_ALPHABET): string {
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}
