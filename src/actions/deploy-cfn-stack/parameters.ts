import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Parameter } from '@aws-sdk/client-cloudformation';
import { InputError } from '../../lib/errors.js';
import { parseKeyValues } from '../../lib/inputs.js';

const INPUT = 'parameters';
const PARAMETER_KEY = /^[a-zA-Z0-9]+$/;
const FILE_LINE = /^[^=#][^=]*\.json$/;

/**
 * The 'parameters' input: KEY=VALUE lines, and/or lines naming a JSON file in CloudFormation's parameter
 * file format (`[{"ParameterKey": "...", "ParameterValue": "..."}]`). KEY=VALUE lines override values from
 * files, so a workflow can keep defaults in a file and set the image on the next line.
 */
export function parseParameters(raw: string, workspace: string): Parameter[] {
  const byKey = new Map<string, Parameter>();
  const lines = raw.split(/\r?\n/);
  for (const line of lines) {
    const trimmed = line.trim();
    if (!FILE_LINE.test(trimmed)) continue;
    for (const parameter of readParameterFile(trimmed, workspace))
      byKey.set(parameter.ParameterKey ?? '', parameter);
  }
  // File lines are blanked rather than removed, so errors still give the right line number.
  const pairs = parseKeyValues(
    lines.map((line) => (FILE_LINE.test(line.trim()) ? '' : line)).join('\n'),
    INPUT
  );
  for (const [key, value] of pairs)
    byKey.set(checkKey(key, `'${key}=...'`), { ParameterKey: key, ParameterValue: value });
  return [...byKey.values()];
}

function checkKey(key: string, where: string): string {
  if (!PARAMETER_KEY.test(key)) {
    throw new InputError(
      INPUT,
      `${where}: '${key}' is not a CloudFormation parameter name`,
      'Parameter names are letters and digits only, as declared in the template.'
    );
  }
  return key;
}

export function readParameterFile(file: string, workspace: string): Parameter[] {
  const path = isAbsolute(file) ? file : resolve(workspace, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(
      INPUT,
      `the parameter file ${path} cannot be read`,
      'Give a path relative to the repository root.'
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      INPUT,
      `${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      'Fix the file; it must be a JSON array of {"ParameterKey": ..., "ParameterValue": ...}.'
    );
  }
  return parameterFileEntries(data, file);
}

/** Validates the parsed content of a parameter file (CloudFormation's `[{ParameterKey, ParameterValue}]`). */
export function parameterFileEntries(data: unknown, file: string): Parameter[] {
  const fix = 'Each entry must look like {"ParameterKey": "Name", "ParameterValue": "value"}.';
  if (!Array.isArray(data)) {
    throw new InputError(INPUT, `${file} is not a JSON array`, fix);
  }
  return data.map((entry: unknown, index) => {
    const where = `${file} entry ${index + 1}`;
    if (typeof entry !== 'object' || entry === null)
      throw new InputError(INPUT, `${where} is not an object`, fix);
    const {
      ParameterKey: key,
      ParameterValue: value,
      UsePreviousValue: usePrevious
    } = entry as Record<string, unknown>;
    if (typeof key !== 'string') throw new InputError(INPUT, `${where} has no string ParameterKey`, fix);
    checkKey(key, where);
    if (usePrevious === true) return { ParameterKey: key, UsePreviousValue: true };
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new InputError(INPUT, `${where} (${key}) has no ParameterValue`, fix);
    }
    return { ParameterKey: key, ParameterValue: String(value) };
  });
}
