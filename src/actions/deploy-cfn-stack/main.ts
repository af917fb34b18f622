import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import * as core from '@actions/core';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { awsClientConfig, type AwsClientConfig } from '../../lib/aws.js';
import { readGitHubContext } from '../../lib/github-context.js';
import { readActionInput, type InputReader } from '../../lib/inputs.js';
import { setOutputs, writeSummaryTable, writeSummaryText } from '../../lib/summary.js';
import { CHANGE_COLUMNS, changeSummaryRows } from './change-table.js';
import { StackOperationFailed } from './failures.js';
import { systemClock } from '../../lib/clock.js';
import { actionLog } from '../../lib/log.js';
import type { DeployResult, Engine } from './types.js';
import { Output, parseInputs } from './inputs.js';

export interface RunOptions {
  read?: InputReader;
  env?: NodeJS.ProcessEnv;
  /** The directory of the running bundle (dist/deploy-cfn-stack); shipped templates are found from it. */
  bundleDir?: string;
}

export async function run(options: RunOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const bundleDir = options.bundleDir ?? dirname(process.argv[1] ?? '.');
  const inputs = parseInputs(options.read ?? readActionInput, {
    context: readGitHubContext(env),
    shippedTemplatesDir: join(bundleDir, '..', '..', 'action-templates', 'cloudformation'),
    now: Date.now()
  });
  const engine = await createEngine(awsClientConfig(inputs.region, env));

  // The SDK and the deploy logic are loaded once the inputs are known good: a step that fails on its
  // inputs starts as fast as Node itself.
  if (inputs.mode === 'delete') {
    const { teardown } = await import('./teardown.js');
    const result = await teardown(engine, inputs.request).catch(reportFailedStack);
    setOutputs({
      [Output.Outputs]: '{}',
      [Output.StackId]: result.stackId ?? '',
      [Output.StackStatus]: result.stackStatus,
      [Output.ChangeSetId]: '',
      [Output.NoChanges]: !result.existed,
      [Output.Changes]: '[]'
    });
    await writeSummaryText(
      result.existed
        ? `### Stack ${inputs.request.stackName} deleted\n`
        : `### Stack ${inputs.request.stackName} did not exist: nothing to delete\n`
    );
    return;
  }

  const { deploy } = await import('./deploy.js');
  const result = await deploy(engine, inputs.request).catch(reportFailedStack);
  setDeployOutputs(result);
  await summarizeDeploy(inputs.request.stackName, result);
}

/** Sets the failed stack's ID and status, so later steps (`if: failure()`) can tell how it was left. */
function reportFailedStack(error: unknown): never {
  if (error instanceof StackOperationFailed) {
    setOutputs({ [Output.StackId]: error.stackId, [Output.StackStatus]: error.stackStatus });
  }
  throw error;
}

async function createEngine(config: AwsClientConfig): Promise<Engine> {
  const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
  let sagemaker: Promise<SageMakerClient> | undefined;
  let s3: Promise<S3Client> | undefined;
  return {
    cloudformation: new CloudFormationClient(config),
    sagemaker: () => (sagemaker ??= sageMakerClient(config)),
    s3: () => (s3 ??= s3Client(config)),
    region: config.region,
    clock: systemClock,
    log: actionLog,
    onChanges: (stackName, rows) =>
      writeSummaryTable(`Changes to stack ${stackName}`, CHANGE_COLUMNS, changeSummaryRows(rows)),
    token: () => `modelship-${randomUUID()}`
  };
}

// Each client is loaded by destructuring its import: the bundler then keeps only the names used, not the
// whole SDK package (a `.then(({ X }) => …)` callback would keep all of it).
async function sageMakerClient(config: AwsClientConfig): Promise<SageMakerClient> {
  const { SageMakerClient } = await import('@aws-sdk/client-sagemaker');
  return new SageMakerClient(config);
}

async function s3Client(config: AwsClientConfig): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return new S3Client(config);
}

/** Each stack output under its own name, then the fixed outputs (which win a clash of names). */
function setDeployOutputs(result: DeployResult): void {
  const fixed: Record<string, string | boolean> = {
    [Output.Outputs]: JSON.stringify(result.outputs),
    [Output.StackId]: result.stackId,
    [Output.StackStatus]: result.stackStatus,
    [Output.ChangeSetId]: result.changeSetId,
    [Output.NoChanges]: result.noChanges,
    [Output.Changes]: JSON.stringify(result.changes)
  };
  for (const key of Object.keys(result.outputs)) {
    if (key in fixed)
      core.warning(`Stack output '${key}' has the name of a fixed output; read it from 'outputs' instead.`);
  }
  setOutputs({ ...result.outputs, ...fixed });
}

async function summarizeDeploy(stackName: string, result: DeployResult): Promise<void> {
  if (result.noChanges) {
    await writeSummaryText(
      `### Stack ${stackName}: no changes\nThe stack already matched the template and parameters.\n`
    );
  }
  const outputs = Object.entries(result.outputs);
  if (outputs.length > 0) {
    await writeSummaryTable(
      `Outputs of stack ${stackName} (${result.stackStatus})`,
      ['Output', 'Value'],
      outputs
    );
  }
}
