import { InputError } from './errors.js';

/** Docker's tag grammar: up to 128 word characters, dots and dashes, not starting with a dot or dash. */
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function isValidDockerTag(tag: string): boolean {
  return DOCKER_TAG.test(tag);
}

/** Fails on the first tag Docker would refuse, naming the input it came from. */
export function requireValidTags(tags: readonly string[], input: string): void {
  const invalid = tags.find((tag) => !isValidDockerTag(tag));
  if (invalid !== undefined) {
    throw new InputError(
      input,
      `'${invalid}' is not a valid tag`,
      'A tag is up to 128 letters, digits, underscores, dots and dashes, and may not start with a dot or dash.'
    );
  }
}
