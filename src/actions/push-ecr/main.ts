import * as core from '@actions/core';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { awsClientConfig } from '../../lib/aws.js';
import { readGitHubContext } from '../../lib/github-context.js';
import { readActionInput } from '../../lib/inputs.js';
import { actionLog } from '../../lib/log.js';
import { setOutputs, writeSummaryTable } from '../../lib/summary.js';
import { cleanUpDockerConfig, createDockerConfigDir, removeDockerConfigDir } from './docker-config.js';
import { inspectLocalImage } from './docker.js';
import { pushImage } from './push.js';
import type { PushTarget } from './target.js';
import { Output, parseInputs, type PushInputs } from './inputs.js';

/** The post step finds the temporary Docker config directory to remove under this state name. */
const DOCKER_CONFIG_STATE = 'docker-config-dir';

export async function run(): Promise<void> {
  const inputs = parseInputs(readActionInput, readGitHubContext().workspace);
  const local = await inspectLocalImage(inputs.image);
  const ecr = inputs.destination.kind === 'ecr' ? await ecrClient(inputs.destination.awsRegion) : undefined;
  const configDir = createDockerConfigDir();
  core.saveState(DOCKER_CONFIG_STATE, configDir);
  try {
    const target = await pushTarget(inputs, ecr, configDir);
    const result = await pushImage(target, {
      image: inputs.image,
      local,
      tags: inputs.tags,
      requireDockerManifest: inputs.requireDockerManifest,
      configDir,
      log: actionLog
    });
    const references = inputs.tags.map((tag) => `${target.repositoryUri}:${tag}`);
    setOutputs({
      [Output.Registry]: target.registry,
      [Output.RepositoryUri]: target.repositoryUri,
      [Output.ImageUri]: result.imageUri,
      [Output.Digest]: result.digest,
      [Output.Tags]: references,
      [Output.Pushed]: result.pushed
    });
    core.info(
      result.pushed
        ? `Pushed ${result.imageUri} as ${inputs.tags.join(', ')}.`
        : `Nothing to push: ${references.join(', ')} already ${references.length > 1 ? 'hold' : 'holds'} this image (${result.digest}).`
    );
    await writeSummaryTable(
      'push-ecr',
      ['Image', 'Tags', 'Digest', 'Manifest', 'Pushed'],
      [
        [
          target.repositoryUri,
          inputs.tags.join(', '),
          result.digest,
          result.mediaType,
          result.pushed ? 'yes' : 'no (unchanged)'
        ]
      ]
    );
  } finally {
    ecr?.destroy();
    removeDockerConfigDir(configDir);
  }
}

/** The post step: removes the temporary Docker config main may have left behind when it was stopped. */
export function post(): void {
  cleanUpDockerConfig(core.getState(DOCKER_CONFIG_STATE), actionLog);
}

/** Loaded by a destructured import, so the bundler keeps only the names used from the SDK package. */
async function ecrClient(region: string | undefined): Promise<ECRClient> {
  const { ECRClient } = await import('@aws-sdk/client-ecr');
  return new ECRClient(awsClientConfig(region));
}

async function pushTarget(
  inputs: PushInputs,
  ecr: ECRClient | undefined,
  configDir: string
): Promise<PushTarget> {
  // Loaded here, once the inputs are known good: the SDK costs start-up time a failing step need not pay.
  const { ecrTarget, registryTarget } = await import('./targets.js');
  const destination = inputs.destination;
  if (destination.kind === 'registry') {
    return registryTarget(destination.registry, inputs.repository, destination, configDir, actionLog);
  }
  const client = ecr as ECRClient;
  const { ensureRepository } = await import('./ecr.js');
  const repository = await ensureRepository(
    client,
    inputs.repository,
    destination.registryId,
    destination.create,
    actionLog,
    destination.updateLifecyclePolicy
  );
  return ecrTarget(client, inputs.repository, repository, actionLog);
}
