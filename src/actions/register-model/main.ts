import * as core from '@actions/core';
import { awsClientConfig } from '../../lib/aws.js';
import { readGitHubContext } from '../../lib/github-context.js';
import { readActionInput, type InputReader } from '../../lib/inputs.js';
import { setOutputs, writeSummaryText } from '../../lib/summary.js';
import { authorizationHeader, MlflowClient } from './mlflow-client.js';
import { registerMlflow, resolveMlflow, setMlflowStatus } from './mlflow.js';
import { versionSummary } from './summary.js';
import { actionLog as log } from '../../lib/log.js';
import type { RegisteredVersion } from './types.js';
import { releaseTag } from '../../lib/retention.js';
import { ecrImageOf } from './image-uri.js';
import { Output, parseInputs, type Inputs } from './inputs.js';

export interface RunOptions {
  read?: InputReader;
  env?: NodeJS.ProcessEnv;
}

export async function run(options: RunOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const inputs = parseInputs(options.read ?? readActionInput, {
    context: readGitHubContext(env),
    warn: (message) => core.warning(message),
    mask: (secret) => core.setSecret(secret)
  });
  const version = await registerOrResolve(inputs, env);
  const tagged = await protectApprovedImage(inputs, version, env);
  setOutputs({
    [Output.ModelPackageArn]: version.id,
    [Output.Version]: version.version,
    [Output.ApprovalStatus]: version.approvalStatus,
    [Output.ImageUri]: version.imageUri,
    [Output.Created]: version.created,
    [Output.ApprovalDescription]: version.approvalDescription ?? '',
    [Output.ReleaseTag]: tagged ?? ''
  });
  await writeSummaryText(versionSummary(inputs.backend, inputs.mode, version));
}

async function registerOrResolve(inputs: Inputs, env: NodeJS.ProcessEnv): Promise<RegisteredVersion> {
  if (inputs.backend === 'sagemaker') {
    // Loaded only for this backend, once the inputs are known good: the SDK costs start-up time.
    const [{ SageMakerClient }, { registerSageMaker, resolveSageMaker, setSageMakerStatus }] =
      await Promise.all([import('@aws-sdk/client-sagemaker'), import('./sagemaker.js')]);
    const client = new SageMakerClient(awsClientConfig(inputs.region, env));
    if (inputs.mode === 'register') return registerSageMaker(client, inputs.registration, log);
    if (inputs.mode === 'resolve') return resolveSageMaker(client, inputs.group, inputs.wanted);
    return setSageMakerStatus(client, inputs.group, inputs.change, log);
  }
  const authorization = authorizationHeader(env, inputs.urlAuthorization, (secret) => core.setSecret(secret));
  const client = new MlflowClient(inputs.trackingUri, authorization);
  if (inputs.mode === 'register') return registerMlflow(client, inputs.registration, log);
  if (inputs.mode === 'resolve') return resolveMlflow(client, inputs.name, inputs.wanted);
  return setMlflowStatus(client, inputs.name, inputs.change, inputs.alias, log);
}

/**
 * An Approved version's image (SageMaker, image in ECR) gets the release tag push-ecr's default lifecycle
 * policy never expires. Returns the tag, or undefined when none applies.
 */
async function protectApprovedImage(
  inputs: Inputs,
  version: RegisteredVersion,
  env: NodeJS.ProcessEnv
): Promise<string | undefined> {
  if (inputs.backend !== 'sagemaker' || inputs.mode === 'resolve') return undefined;
  if (!inputs.tagApprovedImage || version.approvalStatus !== 'Approved') return undefined;
  const image = ecrImageOf(version.imageUri, env);
  if (!image) {
    log.info(`${version.imageUri} is not an ECR image pinned by digest: no release tag to add.`);
    return undefined;
  }
  const group = inputs.mode === 'register' ? inputs.registration.group : inputs.group;
  const tag = releaseTag(group, version.version);
  const [{ ECRClient }, { tagImage }] = await Promise.all([
    import('@aws-sdk/client-ecr'),
    import('./release-image.js')
  ]);
  const ecr = new ECRClient(awsClientConfig(image.region ?? inputs.region, env));
  try {
    await tagImage(ecr, image, tag, log);
  } finally {
    ecr.destroy();
  }
  return tag;
}
