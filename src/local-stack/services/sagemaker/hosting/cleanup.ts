import { resolve } from 'node:path';
import { DockerCli, type ContainerEngine } from '../../../docker/engine.js';
import { LABELS } from './fleet.js';

/**
 * Removes every endpoint container of the stack that uses `dataDir`, for `modelship local down` after
 * the stack died without running its shutdown hooks.
 */
export async function removeHostingContainers(
  dataDir: string,
  engine: ContainerEngine = new DockerCli()
): Promise<number> {
  const ids = await engine.find({ [LABELS.stack]: resolve(dataDir) });
  await engine.remove(ids);
  return ids.length;
}
