import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { InputError } from '../../lib/errors.js';
import type { Metrics } from './types.js';

/**
 * Reads the metrics JSON file training wrote: an object of numbers, nested objects flattened to dotted
 * names. Anything else is refused, so a version never carries half its metrics.
 */
export function readMetrics(inputName: string, path: string, workspace: string): Metrics {
  const fullPath = isAbsolute(path) ? path : join(workspace, path);
  let text: string;
  try {
    text = readFileSync(fullPath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : String(error);
    throw new InputError(
      inputName,
      `the metrics file ${fullPath} ${reason}`,
      'Give the path (relative to the repository root) of the JSON file training writes, or leave the input empty.'
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      inputName,
      `${fullPath} is not valid JSON (${(error as Error).message})`,
      'Write the metrics as a JSON object such as {"r2": 0.91, "mae": 3.2}.'
    );
  }
  return flatten(inputName, fullPath, parsed, '');
}

function flatten(inputName: string, path: string, value: unknown, prefix: string): Metrics {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      inputName,
      `${path} ${prefix ? `has '${prefix}' as` : 'is'} ${Array.isArray(value) ? 'an array' : typeof value}, not an object of numbers`,
      'Write the metrics as a JSON object such as {"r2": 0.91, "mae": 3.2}.'
    );
  }
  const metrics: Metrics = {};
  for (const [name, entry] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof entry === 'number' && Number.isFinite(entry)) metrics[key] = entry;
    else if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      Object.assign(metrics, flatten(inputName, path, entry, key));
    } else {
      throw new InputError(
        inputName,
        `metric '${key}' in ${path} is ${JSON.stringify(entry)}, not a number`,
        'Keep only numeric metrics in the file (nested objects are fine).'
      );
    }
  }
  return metrics;
}
