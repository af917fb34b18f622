import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import { awsClientConfig } from '../../lib/aws.js';
import { ActionError, InputError, describeError } from '../../lib/errors.js';
import { readGitHubContext } from '../../lib/github-context.js';
import { readActionInput, type InputReader } from '../../lib/inputs.js';
import { setOutputs, writeSummaryTable, writeSummaryText } from '../../lib/summary.js';
import { CaseFileError, formatProblem, loadCases, type SmokeCase } from './cases.js';
import { systemClock } from '../../lib/clock.js';
import { formatMs } from './expectations.js';
import { containerLogs, removeContainer, startContainer, type LocalContainer } from './container.js';
import { httpInvoker } from './http-invoker.js';
import type { EndpointInvoker } from './invoker.js';
import { writeReport } from './report.js';
import { runSmokeTest, type SmokeTestResult } from './run.js';
import {
  CASE_COLUMNS,
  LOAD_COLUMNS,
  caseRows,
  failureDetails,
  failureMessage,
  failureText,
  loadRows
} from './summary.js';
import { waitForEndpoint, waitForPing, type WaitOptions } from './waiter.js';
import { Input, Output, parseInputs, type Inputs } from './inputs.js';

export interface RunOptions {
  read?: InputReader;
  env?: NodeJS.ProcessEnv;
}

/** SageMaker's own limit on an invocation; both modes wait as long for an answer. */
const INVOCATION_TIMEOUT_MS = 60_000;

export async function run(options: RunOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const inputs = parseInputs(options.read ?? readActionInput);
  const workspace = readGitHubContext(env).workspace;
  const startedAt = new Date().toISOString();
  // The container starts while the cases are read and checked: Docker and the model's import take
  // seconds, the cases a fraction of one, so the step waits for the slower of the two, not both.
  const starting = inputs.target.mode === 'image' ? startLocal(inputs.target.image) : undefined;
  starting?.catch(() => undefined); // awaited below; this only keeps a failed start from being unhandled
  let cases: SmokeCase[];
  try {
    cases = await readCaseFiles(inputs.cases, workspace);
  } catch (error) {
    await starting?.then((started) => removeContainer(started.id)).catch(() => undefined);
    throw error;
  }
  core.info(`${cases.length} case(s): ${cases.map((entry) => entry.file).join(', ')}`);
  const container = await starting;
  try {
    await test(inputs, { cases, startedAt, workspace, env, url: container?.url });
  } catch (error) {
    // What the container printed is what explains an image that does not serve.
    if (container) throw new ActionError(`${describeError(error)}${await containerLogs(container.id)}`);
    throw error;
  } finally {
    if (container) await removeContainer(container.id);
  }
}

async function startLocal(image: string): Promise<LocalContainer> {
  const container = await startContainer(image);
  core.info(
    `Started container ${container.id.slice(0, 12)} of ${image} (${container.url}); it is removed afterwards.`
  );
  return container;
}

async function test(
  inputs: Inputs,
  run: {
    cases: SmokeCase[];
    startedAt: string;
    workspace: string;
    env: NodeJS.ProcessEnv;
    url: string | undefined;
  }
): Promise<void> {
  const { cases, startedAt, workspace, env } = run;
  const invoker = await connect(inputs, env, run.url);
  let result: SmokeTestResult;
  try {
    result = await runSmokeTest(
      {
        cases,
        thresholds: inputs.thresholds,
        retry: inputs.retry,
        ...(inputs.load && { load: inputs.load })
      },
      { invoker, clock: systemClock, log: (message) => core.info(message) }
    );
  } finally {
    invoker.close();
  }

  const reportPath = inputs.reportPath
    ? resolve(workspace, inputs.reportPath)
    : join(env['RUNNER_TEMP'] ?? workspace, 'smoke-test-report.json');
  writeReport(reportPath, {
    version: 1,
    mode: inputs.target.mode,
    startedAt,
    finishedAt: new Date().toISOString(),
    ...result
  });
  for (const entry of result.cases.filter((caseResult) => !caseResult.passed)) {
    core.error(failureText(entry), { file: entry.file, title: `Smoke case failed: ${entry.name}` });
  }
  setOutputs({
    [Output.Passed]: result.passed,
    [Output.Failed]: result.failed,
    [Output.P50Ms]: latencyOutput(result, 'p50'),
    [Output.P95Ms]: latencyOutput(result, 'p95'),
    [Output.P99Ms]: latencyOutput(result, 'p99'),
    [Output.Throughput]: result.load ? result.load.throughput.toFixed(1) : '',
    [Output.Report]: reportPath
  });
  await summarize(result);

  const failure = failureMessage(result);
  if (failure) throw new ActionError(failure, `The report is at ${reportPath}.`);
}

async function readCaseFiles(patterns: string[], workspace: string) {
  // The glob matcher is loaded once the inputs are known good: a step that fails on its inputs need not.
  const { expandGlobs } = await import('./glob.js');
  const files = expandGlobs(patterns, workspace);
  if (files.length === 0) {
    throw new InputError(
      Input.Cases,
      `no file matches ${patterns.map((pattern) => `'${pattern}'`).join(', ')} under ${workspace}`,
      'Check the pattern (relative to the repository root) and that the case files are checked out.'
    );
  }
  try {
    return await loadCases(files, workspace);
  } catch (error) {
    if (error instanceof CaseFileError) {
      for (const problem of error.problems) {
        core.error(formatProblem(problem), { file: problem.file, title: 'Invalid smoke case file' });
      }
    }
    throw error;
  }
}

/** Waits for the endpoint to be ready and returns the invoker for its mode. */
async function connect(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  containerUrl: string | undefined
): Promise<EndpointInvoker> {
  const wait: WaitOptions = {
    timeoutMs: inputs.waitTimeoutMs,
    clock: systemClock,
    log: (message) => core.info(message),
    warn: (message) => core.warning(message)
  };
  const { target } = inputs;
  if (target.mode !== 'sagemaker') {
    const url = target.mode === 'http' ? target.url : (containerUrl ?? '');
    const invoker = httpInvoker({ ...target, url, timeoutMs: INVOCATION_TIMEOUT_MS });
    try {
      await waitForPing(invoker.ping, url + target.pingPath, wait);
    } catch (error) {
      invoker.close();
      throw error;
    }
    return invoker;
  }
  const config = awsClientConfig(target.region, env);
  // One destructured import each, not Promise.all: the bundler then keeps only the names used from each SDK
  // package, not all of it.
  const { SageMakerClient } = await import('@aws-sdk/client-sagemaker');
  const { SageMakerRuntimeClient } = await import('@aws-sdk/client-sagemaker-runtime');
  const { sageMakerInvoker } = await import('./sagemaker-invoker.js');
  const sagemaker = new SageMakerClient(config);
  try {
    await waitForEndpoint(sagemaker, target.endpointName, wait);
  } finally {
    sagemaker.destroy();
  }
  // The runtime client only resolves region, credentials and endpoint: the invoker signs and sends itself.
  return sageMakerInvoker(new SageMakerRuntimeClient(config), target.endpointName, INVOCATION_TIMEOUT_MS);
}

function latencyOutput(result: SmokeTestResult, key: 'p50' | 'p95' | 'p99'): string {
  const value = result.load?.latency?.[key];
  return value === undefined ? '' : formatMs(value);
}

async function summarize(result: SmokeTestResult): Promise<void> {
  await writeSummaryTable(
    `Smoke test of ${result.target}: ${result.passed} passed, ${result.failed} failed`,
    CASE_COLUMNS,
    caseRows(result)
  );
  if (result.load) await writeSummaryTable('Load phase', LOAD_COLUMNS, loadRows(result));
  const details = failureDetails(result);
  if (details) await writeSummaryText(details);
}
