import * as core from '@actions/core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The post step finds the directory to remove under this state name. */
export const DOCKER_CONFIG_STATE = 'docker-config-dir';

/**
 * A Docker config directory of this step alone, under RUNNER_TEMP: `docker login` writes the registry
 * password there instead of the user's ~/.docker. Its path is saved at once, so the post step can remove
 * it even if main dies before its own clean-up.
 */
export function createDockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = mkdtempSync(join(env['RUNNER_TEMP'] || tmpdir(), 'push-ecr-docker-'));
  core.saveState(DOCKER_CONFIG_STATE, dir);
  return dir;
}

export function removeDockerConfigDir(dir: string): boolean {
  if (!existsSync(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/** The post step: removes the directory main recorded, if main has not already done so. */
export function cleanUpDockerConfig(): void {
  const dir = core.getState(DOCKER_CONFIG_STATE);
  if (!dir) return;
  if (removeDockerConfigDir(dir)) core.info(`Removed the temporary Docker config ${dir}.`);
  else core.info('The temporary Docker config was already removed.');
}
