// deploy-cfn-stack on the local stack: the bundled action run as the runner runs it (a fresh Node process),
// against `modelship local serve` on free ports. Figures:
// - wall time of a no-change deploy, and how many API calls it makes (counted from the stack's request log);
// - lag between the stack reaching its terminal state (the timestamp of its terminal stack event) and the
//   step's process exiting, for updates;
// - for scale, the wall time of a step that fails on its inputs (Node start-up and loading the bundle);
// - wall time, calls and the same lag for image updates of the shipped realtime-endpoint template on the local
//   SageMaker hosting, where the stack is quiet while the new container starts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CloudFormationClient, DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { spawnLocalStack, waitForRuntime } from './local-stack-process.mjs';

const root = new URL('..', import.meta.url).pathname;
const RUNS = 5;
const TEMPLATE = `Parameters:
  Greeting:
    Type: String
Resources:
  Setting:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Ref Greeting
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      ComparisonOperator: GreaterThanThreshold
      EvaluationPeriods: 1
      MetricName: Invocation5XXErrors
      Namespace: AWS/SageMaker
      Period: 60
      Statistic: Sum
      Threshold: 1
Outputs:
  Greeting:
    Value: !GetAtt Setting.Value
`;

export async function benchDeployCfnStack() {
  const dataDir = mkdtempSync(join(tmpdir(), 'modelship-bench-cfn-'));
  const workspace = mkdtempSync(join(tmpdir(), 'modelship-bench-cfn-ws-'));
  writeFileSync(join(workspace, 'stack.yaml'), TEMPLATE);
  const requestLog = [];
  const child = spawnLocalStack(dataDir, ['ignore', 'pipe', 'ignore']);
  let pending = '';
  child.stdout.on('data', (chunk) => {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    requestLog.push(...lines.filter((line) => / (POST|GET) \/ /.test(line)));
  });
  try {
    const info = await waitForRuntime(dataDir, child.pid);
    const env = {
      AWS_ENDPOINT_URL: info.endpoint,
      AWS_REGION: info.region,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: 'acme/bench',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567'
    };
    const stackName = `bench-deploy-${process.pid}`;
    const step = (inputs) => runStep(env, { 'stack-name': stackName, template: 'stack.yaml', ...inputs });

    const created = await step({ parameters: 'Greeting=hello' });
    if (created.exitCode !== 0) throw new Error(`the first deploy failed:\n${created.log}`);

    const noChange = [];
    for (let run = 0; run < RUNS; run += 1) {
      const before = requestLog.length;
      const result = await step({ parameters: 'Greeting=hello' });
      if (result.exitCode !== 0 || !result.log.includes('No changes'))
        throw new Error(`no-change deploy:\n${result.log}`);
      await settle();
      noChange.push({ ms: result.ms, calls: callsOf(requestLog.slice(before)) });
    }

    const cloudformation = new CloudFormationClient({
      region: info.region,
      endpoint: info.endpoint,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }
    });
    const updates = [];
    for (let run = 0; run < RUNS; run += 1) {
      const before = requestLog.length;
      const result = await step({ parameters: `Greeting=update-${run}` });
      if (result.exitCode !== 0) throw new Error(`update failed:\n${result.log}`);
      await settle();
      updates.push({
        ms: result.ms,
        lagMs: result.exitedAt - (await terminalEventTime(cloudformation, stackName)),
        calls: callsOf(requestLog.slice(before))
      });
    }
    cloudformation.destroy();

    const badInput = [];
    for (let run = 0; run < RUNS; run += 1) {
      badInput.push((await runStep(env, { 'stack-name': '1-invalid' })).ms);
    }
    await step({ delete: 'true' });
    const endpoint = await benchEndpointUpdates(env, info, requestLog);

    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const calls = noChange[0].calls;
    console.log('| measure | median | runs |\n| --- | ---: | ---: |');
    console.log(
      `| no-change deploy, wall time (ms) | ${median(noChange.map((run) => run.ms)).toFixed(0)} | ${RUNS} |`
    );
    console.log(
      `| no-change deploy, API calls | ${median(noChange.map((run) => run.calls.total))} | ${RUNS} |`
    );
    console.log(
      `| update deploy, wall time (ms) | ${median(updates.map((run) => run.ms)).toFixed(0)} | ${RUNS} |`
    );
    console.log(`| update deploy, API calls | ${median(updates.map((run) => run.calls.total))} | ${RUNS} |`);
    console.log(
      `| lag: terminal stack event → step exit (ms) | ${median(updates.map((run) => run.lagMs)).toFixed(0)} | ${RUNS} |`
    );
    console.log(
      `| step failing on inputs (Node + bundle load, ms) | ${median(badInput).toFixed(0)} | ${RUNS} |`
    );
    const endpointMedian = (pick) => median(endpoint.map(pick)).toFixed(0);
    console.log(
      `| realtime-endpoint image update, wall time (ms) | ${endpointMedian((run) => run.ms)} | ${endpoint.length} |`
    );
    console.log(
      `| realtime-endpoint image update, API calls | ${endpointMedian((run) => run.calls.total)} | ${endpoint.length} |`
    );
    console.log(
      `| lag on realtime-endpoint updates: terminal stack event → step exit (ms) | ${endpointMedian((run) => run.lagMs)} | ${endpoint.length} |`
    );
    console.log(
      `\nCalls of one no-change deploy: ${Object.entries(calls.byOperation)
        .map(([op, n]) => `${op} ×${n}`)
        .join(', ')}`
    );
    console.log(
      `Calls of one update: ${Object.entries(updates[0].calls.byOperation)
        .map(([op, n]) => `${op} ×${n}`)
        .join(', ')}`
    );
    return {
      noChangeMs: median(noChange.map((run) => run.ms)),
      noChangeCalls: median(noChange.map((run) => run.calls.total)),
      updateMs: median(updates.map((run) => run.ms)),
      terminalToExitLagMs: median(updates.map((run) => run.lagMs)),
      stepStartupMs: median(badInput),
      endpointUpdateMs: median(endpoint.map((run) => run.ms)),
      endpointUpdateLagMs: median(endpoint.map((run) => run.lagMs))
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** When the stack's last update reached UPDATE_COMPLETE, by its own event. */
async function terminalEventTime(cloudformation, stackName) {
  const events = await cloudformation.send(new DescribeStackEventsCommand({ StackName: stackName }));
  const terminal = events.StackEvents?.find(
    (event) =>
      event.ResourceType === 'AWS::CloudFormation::Stack' && event.ResourceStatus === 'UPDATE_COMPLETE'
  );
  return terminal?.Timestamp?.getTime() ?? NaN;
}

/**
 * The shipped realtime-endpoint template with the tiny model image (test/fixtures/tiny-model) on the local
 * SageMaker hosting: image updates, where the stack is quiet for seconds while the new container starts and
 * the poller has backed off. Images are built and pushed once, then removed.
 */
async function benchEndpointUpdates(env, info, requestLog) {
  const repository = `bench-deploy-${process.pid}/tiny-model`;
  const dockerConfig = mkdtempSync(join(tmpdir(), 'modelship-bench-docker-'));
  const config = {
    region: info.region,
    endpoint: info.endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }
  };
  const ecr = new ECRClient(config);
  const cloudformation = new CloudFormationClient(config);
  const images = [];
  const stackName = `bench-endpoint-${process.pid}`;
  try {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
    const token = await ecr.send(new GetAuthorizationTokenCommand({}));
    const [user, password] = Buffer.from(token.authorizationData[0].authorizationToken, 'base64')
      .toString()
      .split(':');
    const login = [
      '--config',
      dockerConfig,
      'login',
      '--username',
      user,
      '--password-stdin',
      info.registryHost
    ];
    await program('docker', login, password);
    const pushed = [];
    for (const version of ['v1', 'v2']) {
      const reference = `${info.registryHost}/${repository}:${version}`;
      const context = join(root, 'test/fixtures/tiny-model');
      await program('docker', [
        'build',
        '--quiet',
        '--build-arg',
        `VERSION=${version}`,
        '--tag',
        reference,
        context
      ]);
      images.push(reference);
      const output = await program('docker', ['--config', dockerConfig, 'push', reference]);
      pushed.push(`${info.registryHost}/${repository}@${/digest: (sha256:[a-f0-9]{64})/.exec(output)?.[1]}`);
    }
    images.push(...pushed);
    const deploy = (image) =>
      runStep(env, {
        'stack-name': stackName,
        template: 'realtime-endpoint',
        // No bake: the figures are the action's calls and reaction, not the template's guardrail wait.
        parameters: `ImageUri=${image}\nEndpointName=${stackName}\nExecutionRoleArn=arn:aws:iam::000000000000:role/bench\nBakeTimeSeconds=0`,
        'wait-for-endpoints': 'true'
      });
    const created = await deploy(pushed[0]);
    if (created.exitCode !== 0) throw new Error(`endpoint stack creation failed:\n${created.log}`);
    const runs = [];
    for (let run = 0; run < 3; run += 1) {
      const before = requestLog.length;
      const result = await deploy(pushed[(run + 1) % 2]);
      if (result.exitCode !== 0) throw new Error(`endpoint update failed:\n${result.log}`);
      await settle();
      runs.push({
        ms: result.ms,
        lagMs: result.exitedAt - (await terminalEventTime(cloudformation, stackName)),
        calls: callsOf(requestLog.slice(before))
      });
    }
    return runs;
  } finally {
    await runStep(env, { 'stack-name': stackName, delete: 'true' });
    for (const image of images) await program('docker', ['rmi', '--force', image]).catch(() => undefined);
    rmSync(dockerConfig, { recursive: true, force: true });
    ecr.destroy();
    cloudformation.destroy();
  }
}

/** Runs a program with an argument array; resolves with its output, rejects on a non-zero exit. */
function program(command, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')}: ${output}`))
    );
    child.stdin.end(input ?? '');
  });
}
/** Runs the bundle as the runner does: inputs as INPUT_* variables, a fresh process per step. */
function runStep(env, inputs) {
  const stepEnv = { ...process.env, ...env, NODE_NO_WARNINGS: '1' };
  for (const [name, value] of Object.entries(inputs)) stepEnv[`INPUT_${name.toUpperCase()}`] = value;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const step = spawn(process.execPath, [join(root, 'dist/deploy-cfn-stack/index.js')], {
      env: stepEnv,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let log = '';
    step.stdout.on('data', (chunk) => (log += chunk));
    step.stderr.on('data', (chunk) => (log += chunk));
    step.on('error', reject);
    step.on('exit', (code) => {
      const exitedAt = Date.now();
      resolve({ exitCode: code ?? 1, log, ms: performance.now() - started, exitedAt });
    });
  });
}

/** The stack's request log ("... POST / CloudFormation.DescribeStacks 200 1.2ms"), counted per operation. */
function callsOf(lines) {
  const byOperation = {};
  for (const line of lines) {
    const operation = / POST \/ (?:Action=)?(\S+)/.exec(line)?.[1] ?? 'other';
    byOperation[operation] = (byOperation[operation] ?? 0) + 1;
  }
  return { total: lines.length, byOperation };
}

/** Lets the last request-log lines of a step arrive before they are counted. */
function settle() {
  return new Promise((resolve) => setTimeout(resolve, 100));
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDeployCfnStack();
