import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readWorkflowText } from './workflow-file.js';

/** Where a repository names the environments whose jobs wait for approval (GitHub's required reviewers). */
export const ENVIRONMENTS_FILE = '.github/modelship-environments.yml';

/**
 * The environments that need approval, from `.github/modelship-environments.yml`:
 *
 *     environments:
 *       production:
 *         approval: required
 */
export function protectedEnvironments(workspace: string): string[] {
  const path = join(workspace, ENVIRONMENTS_FILE);
  if (!existsSync(path)) return [];
  let document: unknown;
  try {
    document = parse(readWorkflowText(path, 'environments file'));
  } catch (error) {
    throw new Error(`${ENVIRONMENTS_FILE} is not valid YAML: ${(error as Error).message}`);
  }
  const environments = (document as { environments?: unknown } | null)?.environments;
  if (environments === undefined || environments === null) return [];
  if (typeof environments !== 'object' || Array.isArray(environments))
    throw new Error(`${ENVIRONMENTS_FILE}: 'environments' must map environment names to their settings.`);
  return Object.entries(environments as Record<string, { approval?: unknown } | null>)
    .filter(([, settings]) => settings?.approval === 'required')
    .map(([name]) => name);
}
