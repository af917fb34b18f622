import { readFileSync } from 'node:fs';
import { InputError } from '../../lib/errors.js';

/** The lifecycle policy a new repository gets unless a file is given: expire all but the newest N images. */
export function keepLastImagesPolicy(count: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Keep the last ${count} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: count },
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
