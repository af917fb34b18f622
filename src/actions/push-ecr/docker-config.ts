import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '../../lib/log.js';

/**
 * A Docker config directory of this step alone, under RUNNER_TEMP: `docker login` writes the registry
 * password there instead of the user's ~/.docker. The caller saves its path at once, so the post step can
 * remove it even if main dies before its own clean-up.
 */
export function createDockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return mkdtempSync(join(env['RUNNER_TEMP'] || tmpdir(), 'push-ecr-docker-'));
}

export function removeDockerConfigDir(dir: string): boolean {
  if (!existsSync(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/** The post step: removes the directory main recorded, if main has not already done so. */
export function cleanUpDockerConfig(dir: string, log: Log): void {
  if (!dir) return;
  if (removeDockerConfigDir(dir)) log.info(`Removed the temporary Docker config ${dir}.`);
  else log.info('The temporary Docker config was already removed.');
}
