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
  setOutputs({
    [Output.ModelPackageArn]: version.id,
    [Output.Version]: version.version,
    [Output.ApprovalStatus]: version.approvalStatus,
    [Output.ImageUri]: version.imageUri,
    [Output.Created]: version.created,
    [Output.ApprovalDescription]: version.approvalDescription ?? ''
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
    return setSageMakerStatus(client, inputs.group, await withReviewer(inputs.change, log), log);
  }
  const authorization = authorizationHeader(env, inputs.urlAuthorization, (secret) => core.setSecret(secret));
  const client = new MlflowClient(inputs.trackingUri, authorization);
  if (inputs.mode === 'register') return registerMlflow(client, inputs.registration, log);
  if (inputs.mode === 'resolve') return resolveMlflow(client, inputs.name, inputs.wanted);
  return setMlflowStatus(client, inputs.name, await withReviewer(inputs.change, log), inputs.alias, log);
}
