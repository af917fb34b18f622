import { jest } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  SageMakerClient
} from '@aws-sdk/client-sagemaker';
import { PROJECT_ROOT, runBundledAction } from '../helpers/action-runner.js';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';
import { buildTinyModel } from '../fixtures/tiny-model/images.js';

const STARTER_IMAGE = 'modelship-test/smoke-model:starter';
const CRASH_IMAGE = 'modelship-test/smoke-crash:test';
const STARTER = join(PROJECT_ROOT, 'action-templates/model-repo');

/** Building the starter model installs scikit-learn from Debian when Docker has no cached layers. */
jest.setTimeout(600_000);

/** The smoke test through SageMaker Runtime InvokeEndpoint, against endpoints the local stack hosts. */
describe('smoke-test-endpoint against a local SageMaker endpoint', () => {
  let stack: LocalStackHandle;
  let sagemaker: SageMakerClient;
  const workspaces: string[] = [];
  const run = (inputs: Record<string, string>, workspace = STARTER) =>
    runBundledAction('smoke-test-endpoint', { inputs, env: { ...stack.env, GITHUB_WORKSPACE: workspace } });

  /** Creates model, config and endpoint, and returns without waiting: the endpoint is Creating. */
  async function createEndpoint(name: string, image: string): Promise<void> {
    await sagemaker.send(new CreateModelCommand({ ModelName: name, PrimaryContainer: { Image: image } }));
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: [
          { VariantName: 'AllTraffic', ModelName: name, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' }
        ]
      })
    );
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
  }

  beforeAll(async () => {
    const build = await runProgram('docker', ['build', '--quiet', '--tag', STARTER_IMAGE, STARTER]);
    expect(build.code).toBe(0);
    await buildTinyModel(CRASH_IMAGE, 'v1', 'crash');
    stack = await startLocalStack();
    sagemaker = new SageMakerClient({
      region: stack.env['AWS_REGION']!,
      endpoint: stack.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' }
    });
  });
  afterAll(async () => {
    sagemaker?.destroy();
    // Stopping the stack removes the containers of its endpoints.
    await stack?.stop();
    for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
  });

  it("waits while the endpoint is Creating, then passes the starter model's cases and measures the load phase", async () => {
    await createEndpoint('smoke-starter', STARTER_IMAGE);
    const reportDir = mkdtempSync(join(tmpdir(), 'smoke-test-report-'));
    workspaces.push(reportDir);
    const result = await run({
      'report-path': join(reportDir, 'report.json'),
      'endpoint-name': 'smoke-starter',
      'load-requests': '80',
      'load-concurrency': '4',
      'max-error-rate': '0'
    });
    expect(result.log).toContain('Endpoint smoke-starter is Creating; waiting for InService.');
    expect(result.log).toContain('Endpoint smoke-starter is InService.');
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ passed: '3', failed: '0' });
    const report = JSON.parse(readFileSync(result.outputs['report']!, 'utf8'));
    expect(report).toMatchObject({ mode: 'sagemaker', target: 'SageMaker endpoint smoke-starter', ok: true });
    // The container's 400 reaches the client as ModelError with OriginalStatusCode: the case expects it.
    expect(
      report.cases.find((entry: { file: string }) => entry.file === 'smoke/bad-payload.json')
    ).toMatchObject({
      passed: true,
      status: 400
    });
    expect(report.load).toMatchObject({ requests: 80, errors: 0, concurrency: 4 });
    const { p50, p95, p99 } = report.load.latency;
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(p99);
    expect(result.outputs['p95-ms']).toBe(p95.toFixed(1));
    expect(Number(result.outputs['throughput'])).toBeGreaterThan(0);
  });

  it('fails a case whose expected value is wrong, with the difference', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'smoke-test-sagemaker-'));
    workspaces.push(workspace);
    cpSync(join(STARTER, 'smoke'), join(workspace, 'smoke'), { recursive: true });
    writeFileSync(
      join(workspace, 'smoke', 'wrong.yaml'),
      [
        'name: a stale expectation',
        'request:',
        '  contentType: text/csv',
        '  accept: application/json',
        '  body: "0.038,0.051,0.062,0.022,-0.044,-0.035,-0.043,-0.003,0.02,-0.018\\n"',
        'expect:',
        '  values:',
        "    - { path: '$.predictions[0]', equals: 200, tolerance: 1 }"
      ].join('\n')
    );
    const result = await run({ 'endpoint-name': 'smoke-starter', 'load-requests': '0' }, workspace);
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toMatchObject({ passed: '3', failed: '1' });
    expect(result.log).toContain(
      '::error title=Smoke case failed%3A a stale expectation,file=smoke/wrong.yaml::' +
        '$.predictions[0]: expected 200 ± 1, got 230.926371 (off by 30.9264)'
    );
  });

  it('ends the wait at once when the endpoint fails, with its FailureReason', async () => {
    await createEndpoint('smoke-crash', CRASH_IMAGE);
    const result = await run({ 'endpoint-name': 'smoke-crash', 'wait-timeout-seconds': '120' });
    expect(result.exitCode).toBe(1);
    expect(result.log).toMatch(
      /::error::Endpoint smoke-crash is Failed: The primary container for production variant AllTraffic exited with code 1 before passing the ping health check\..*Fix what the reason names/
    );
    expect(result.outputs).toEqual({});
  });

  it('names the endpoint-name input when the endpoint does not exist', async () => {
    const result = await run({ 'endpoint-name': 'smoke-missing' });
    expect(result.exitCode).toBe(1);
    expect(result.log).toContain(
      "::error::Input 'endpoint-name': endpoint 'smoke-missing' does not exist in region us-east-1. Check the name"
    );
  });
});
