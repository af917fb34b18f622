import { isDeepStrictEqual } from 'node:util';

export type Combination = Record<string, unknown>;

/** A job's `strategy` once evaluated: the combinations it runs, one job each, and whether it fails fast. */
export interface Strategy {
  combinations: Combination[];
  failFast: boolean;
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/** Whether every key of `partial` has the same value in `combination`. */
const matches = (combination: Combination, partial: Combination, keys = Object.keys(partial)) =>
  keys.every((key) => key in combination && isDeepStrictEqual(combination[key], partial[key]));

/**
 * GitHub's expansion of `strategy.matrix`: the product of its vectors (in their order), less the
 * combinations an `exclude` entry matches; then each `include` entry extends every combination whose
 * original values it does not change (values added by an earlier include may be overwritten), or, when it
 * extends none, is a combination of its own. Throws with the job's name when nothing is left to run.
 */
export function expandStrategy(value: unknown, job: string): Strategy {
  const strategy = asObject(value) ?? {};
  const failFast = strategy['fail-fast'] === undefined ? true : strategy['fail-fast'] !== false;
  const matrix = asObject(strategy['matrix']);
  if (matrix === undefined)
    throw new Error(
      `Job '${job}': strategy.matrix must be a mapping of vectors (got ${JSON.stringify(value)}).`
    );
  const vectors = Object.entries(matrix).filter(([key]) => key !== 'include' && key !== 'exclude');
  let combinations: Combination[] = vectors.length > 0 ? [{}] : [];
  for (const [key, values] of vectors) {
    if (!Array.isArray(values) || values.length === 0)
      throw new Error(`Job '${job}': matrix vector '${key}' must be a non-empty list.`);
    combinations = combinations.flatMap((combination) =>
      (values as unknown[]).map((item) => ({ ...combination, [key]: item }))
    );
  }
  const entries = (key: 'include' | 'exclude') => {
    const list = matrix[key] ?? [];
    if (!Array.isArray(list) || !list.every((entry) => asObject(entry)))
      throw new Error(`Job '${job}': matrix.${key} must be a list of mappings.`);
    return list as Combination[];
  };
  const excludes = entries('exclude');
  combinations = combinations.filter((combination) => !excludes.some((entry) => matches(combination, entry)));
  const originals = combinations.map((combination) => Object.keys(combination));
  const added: Combination[] = [];
  for (const entry of entries('include')) {
    let extended = false;
    combinations.forEach((combination, index) => {
      const original = originals[index] as string[];
      const overlapping = Object.keys(entry).filter((key) => original.includes(key));
      if (matches(combination, entry, overlapping)) {
        Object.assign(combination, entry);
        extended = true;
      }
    });
    if (!extended) added.push({ ...entry });
  }
  combinations.push(...added);
  if (combinations.length === 0)
    throw new Error(`Job '${job}': its matrix has no combination left to run (check include and exclude).`);
  return { combinations, failFast };
}

/** The name GitHub shows for one combination's job: `test (ubuntu, 20)`. */
export function combinationName(name: string, combination: Combination): string {
  const values = Object.values(combination).map((value) =>
    typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
  );
  return `${name} (${values.join(', ')})`;
}
