import * as core from '@actions/core';
import { awsClientConfig } from '../../lib/aws.js';
import { readGitHubContext } from '../../lib/github-context.js';
import { readActionInput, type InputReader } from '../../lib/inputs.js';
import { setOutputs, writeSummaryText } from '../../lib/summary.js';
import { authorizationHeader, MlflowClient } from './mlflow-client.js';
import { registerMlflow, resolveMlflow } from './mlflow.js';
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
    [Output.Created]: version.created
  });
  await writeSummaryText(versionSummary(inputs.backend, inputs.mode, version));
}

async function registerOrResolve(inputs: Inputs, env: NodeJS.ProcessEnv): Promise<RegisteredVersion> {
  if (inputs.backend === 'sagemaker') {
    // Loaded only for this backend, once the inputs are known good: the SDK costs start-up time.
    const [{ SageMakerClient }, { registerSageMaker, resolveSageMaker }] = await Promise.all([
      import('@aws-sdk/client-sagemaker'),
      import('./sagemaker.js')
    ]);
    const client = new SageMakerClient(awsClientConfig(inputs.region, env));
    return inputs.mode === 'register'
      ? registerSageMaker(client, inputs.registration, log)
      : resolveSageMaker(client, inputs.group, inputs.approvalStatus);
  }
  const authorization = authorizationHeader(env, inputs.urlAuthorization, (secret) => core.setSecret(secret));
  const client = new MlflowClient(inputs.trackingUri, authorization);
  return inputs.mode === 'register'
    ? registerMlflow(client, inputs.registration, log)
    : resolveMlflow(client, inputs.name, inputs.alias);
}
