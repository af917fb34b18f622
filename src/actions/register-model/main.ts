import * as core from '@actions/core';
import { awsClientConfig } from '../../lib/aws.js';
import { readGitHubContext } from '../../lib/github-context.js';
import { readActionInput, type InputReader } from '../../lib/inputs.js';
import { setOutputs, writeSummaryText } from '../../lib/summary.js';
import { authorizationHeader, MlflowClient } from './mlflow-client.js';
import { registerMlflow, resolveMlflow, setMlflowStatus } from './mlflow.js';
import { withReviewer } from './reviewer.js';
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
  let tagged: string | undefined;
  const protect = async (approved: RegisteredVersion) => {
    tagged = await tagApprovedImage(inputs, approved, env);
  };
  const version = await registerOrResolve(inputs, env, protect);
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

/** `protect` tags an Approved version's image: before SageMaker approves it, or once it was registered Approved. */
async function registerOrResolve(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  protect: (approved: RegisteredVersion) => Promise<void>
): Promise<RegisteredVersion> {
  if (inputs.backend === 'sagemaker') {
    // Loaded only for this backend, once the inputs are known good: the SDK costs start-up time. One
    // destructured import each (not Promise.all), so the bundler keeps only the names used from the SDK.
    const { SageMakerClient } = await import('@aws-sdk/client-sagemaker');
    const { registerSageMaker, resolveSageMaker, setSageMakerStatus } = await import('./sagemaker.js');
    const client = new SageMakerClient(awsClientConfig(inputs.region, env));
    if (inputs.mode === 'resolve') return resolveSageMaker(client, inputs.group, inputs.wanted);
    if (inputs.mode === 'set-status') {
      return setSageMakerStatus(client, inputs.group, await withReviewer(inputs.change, log), log, protect);
    }
    const registered = await registerSageMaker(client, inputs.registration, log);
    if (registered.approvalStatus === 'Approved') await protect(registered);
    return registered;
  }
  const authorization = authorizationHeader(env, inputs.urlAuthorization, (secret) => core.setSecret(secret));
  const client = new MlflowClient(inputs.trackingUri, authorization);
  if (inputs.mode === 'resolve') return resolveMlflow(client, inputs.name, inputs.wanted);
  if (inputs.mode === 'set-status') {
    const change = await withReviewer(inputs.change, log);
    return setMlflowStatus(client, inputs.name, change, inputs.alias, log, protect);
  }
  const registered = await registerMlflow(client, inputs.registration, log);
  if (registered.approvalStatus === 'Approved') await protect(registered);
  return registered;
}

/**
 * The release tag push-ecr's default lifecycle policy never expires, given to an Approved version's image
 * when it is in ECR (tag-approved-image). Returns the tag, or undefined when none applies.
 */
async function tagApprovedImage(
  inputs: Inputs,
  version: RegisteredVersion,
  env: NodeJS.ProcessEnv
): Promise<string | undefined> {
  if (inputs.mode === 'resolve' || !inputs.tagApprovedImage) return undefined;
  const image = ecrImageOf(version.imageUri, env);
  if (!image) {
    log.info(`${version.imageUri} is not an ECR image pinned by digest: no release tag to add.`);
    return undefined;
  }
  const tag = releaseTag(modelName(inputs), version.version);
  const { ECRClient } = await import('@aws-sdk/client-ecr');
  const { tagImage } = await import('./release-image.js');
  const ecr = new ECRClient(awsClientConfig(image.region ?? inputs.region, env));
  try {
    await tagImage(ecr, image, tag, log);
  } finally {
    ecr.destroy();
  }
  return tag;
}

/** The model the release tag names: the SageMaker model package group, or the MLflow registered model. */
function modelName(inputs: Exclude<Inputs, { mode: 'resolve' }>): string {
  if (inputs.backend === 'mlflow') return inputs.mode === 'register' ? inputs.registration.name : inputs.name;
  return inputs.mode === 'register' ? inputs.registration.group : inputs.group;
}
