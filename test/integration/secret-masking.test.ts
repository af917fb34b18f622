import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { displayedLog, runBundledAction, type ActionRun } from '../helpers/action-runner.js';
import { startMlflowServer, type RunningMlflowServer } from '../mlflow-server/server.js';

jest.setTimeout(180_000);

/**
 * Every bundled action run with credentials in every form it can read them, as the runner runs it. The
 * runner learns a secret from `::add-mask::<value>` and hides it in the log it displays; it never hides
 * anything in the job summary, outputs, state or files. So: every form of every credential must have been
 * registered, and none (nor any other registered value) may appear anywhere else.
 */
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLE';
const AWS_SESSION = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVz+ZWFzdC0x';
const MLFLOW_PASSWORD = 'p@ss/wörd:1';
const MLFLOW_TOKEN = 'mlflow-token/Zq81+x=';
const REGISTRY_PASSWORD = 'ghp_registry/Pass+word=9';
const PROBE_PASSWORD = 'probe#secret?42';

const awsEnv = {
  AWS_ACCESS_KEY_ID: 'AKIDMASKINGTEST',
  AWS_SECRET_ACCESS_KEY: AWS_SECRET,
  AWS_SESSION_TOKEN: AWS_SESSION,
  AWS_REGION: 'us-east-1',
  // Nothing listens there: each AWS call fails after the SDK's retries, with its error printed.
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9'
};

/** A secret as it appears in a URL, in JSON and as given. */
const forms = (secret: string) => [
  ...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])
];
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

/** What `::add-mask::` registered, unescaped as the runner does (core escapes %, CR and LF). */
function registered(run: ActionRun): string[] {
  return run.log
    .split('\n')
    .filter((line) => line.startsWith('::add-mask::'))
    .map((line) =>
      line
        .slice('::add-mask::'.length)
        .replace(/\r$/, '')
        .replace(/%0D/g, '\r')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%')
    );
}

/** Everything a reader of the run can see: the displayed log, summary, outputs, state and given files. */
function visible(run: ActionRun, files: string[] = []): string {
  return [
    displayedLog(run),
    run.summary,
    JSON.stringify(run.outputs),
    JSON.stringify(run.state),
    ...files.map((file) => readFileSync(file, 'utf8'))
  ].join('\n');
}

function exposure(run: ActionRun, credentials: string[], files: string[] = []) {
  const masks = registered(run);
  const shown = visible(run, files);
  return {
    unregistered: credentials.filter((credential) => !masks.includes(credential)),
    shown: [...new Set([...credentials, ...masks])].filter((value) => shown.includes(value))
  };
}

const awsForms = [...forms(AWS_SECRET), ...forms(AWS_SESSION)];

describe('secrets in the output of every action', () => {
  let mlflow: RunningMlflowServer;
  let workspace: string;

  beforeAll(async () => {
    mlflow = await startMlflowServer({
      token: MLFLOW_TOKEN,
      users: [{ username: 'ci', password: MLFLOW_PASSWORD }]
    });
    workspace = mkdtempSync(join(tmpdir(), 'secret-masking-'));
  });
  afterAll(async () => {
    await mlflow.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  const mlflowForms = [...forms(MLFLOW_PASSWORD), basic('ci', MLFLOW_PASSWORD)];
  const image = `127.0.0.1:5000/churn@sha256:${'c'.repeat(64)}`;
  const registerMlflow = (trackingUri: string, env: Record<string, string | undefined>) =>
    runBundledAction('register-model', {
      inputs: { backend: 'mlflow', 'tracking-uri': trackingUri, 'model-name': 'masked', 'image-uri': image },
      env: { GITHUB_WORKSPACE: workspace, GITHUB_REPOSITORY: 'acme/masked', ...awsEnv, ...env }
    });
  const withUserInfo = (url: string, password: string) =>
    url.replace('://', `://ci:${encodeURIComponent(password)}@`);

  it('register-model (MLflow): user information in tracking-uri is sent as basic auth and masked', async () => {
    const run = await registerMlflow(withUserInfo(mlflow.url, MLFLOW_PASSWORD), {});
    expect({ exitCode: run.exitCode, log: run.exitCode === 0 ? '' : run.log }).toEqual({
      exitCode: 0,
      log: ''
    });
    expect(mlflow.requests.at(-1)?.authorization).toBe(`Basic ${basic('ci', MLFLOW_PASSWORD)}`);
    expect(exposure(run, [...mlflowForms, ...awsForms])).toEqual({ unregistered: [], shown: [] });
  });

  it('register-model (MLflow): credentials stay hidden when the server refuses them or is gone', async () => {
    const refused = await registerMlflow(withUserInfo(mlflow.url, 'not-the-password'), {});
    expect(refused.exitCode).toBe(1);
    expect(refused.log).toMatch(/HTTP 401/);
    expect(exposure(refused, [...forms('not-the-password'), basic('ci', 'not-the-password')])).toEqual({
      unregistered: [],
      shown: []
    });

    const gone = await registerMlflow(withUserInfo('http://127.0.0.1:9', MLFLOW_PASSWORD), {
      MLFLOW_TRACKING_TOKEN: MLFLOW_TOKEN,
      MLFLOW_TRACKING_USERNAME: 'ci',
      MLFLOW_TRACKING_PASSWORD: MLFLOW_PASSWORD
    });
    expect(gone.exitCode).toBe(1);
    expect(gone.log).toMatch(/Cannot reach the MLflow tracking server at http:\/\/127\.0\.0\.1:9 /);
    expect(exposure(gone, [...mlflowForms, ...forms(MLFLOW_TOKEN), ...awsForms])).toEqual({
      unregistered: [],
      shown: []
    });
  });

  it('register-model (SageMaker), deploy-cfn-stack and build-image: AWS credentials', async () => {
    writeFileSync(join(workspace, 'stack.yaml'), 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n');
    const runs = await Promise.all([
      runBundledAction('register-model', {
        inputs: { 'model-name': 'masked', 'image-uri': image },
        env: { GITHUB_WORKSPACE: workspace, ...awsEnv }
      }),
      runBundledAction('deploy-cfn-stack', {
        inputs: { 'stack-name': 'masked', template: 'stack.yaml' },
        env: { GITHUB_WORKSPACE: workspace, ...awsEnv }
      }),
      runBundledAction('build-image', {
        inputs: { context: 'missing-dir', image: 'masked' },
        env: { GITHUB_WORKSPACE: workspace, ...awsEnv }
      })
    ]);
    for (const run of runs) {
      expect(run.exitCode).toBe(1);
      expect(exposure(run, awsForms)).toEqual({ unregistered: [], shown: [] });
    }
  });

  it('push-ecr: the registry password, and what docker login prints', async () => {
    const run = await runBundledAction('push-ecr', {
      inputs: {
        image: 'debian:bookworm-slim',
        repository: 'acme/masked',
        tags: 'v1',
        registry: '127.0.0.1:9',
        username: 'robot',
        password: REGISTRY_PASSWORD
      },
      env: { GITHUB_WORKSPACE: workspace, ...awsEnv }
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/login/i);
    expect(
      exposure(run, [...forms(REGISTRY_PASSWORD), basic('robot', REGISTRY_PASSWORD), ...awsForms])
    ).toEqual({ unregistered: [], shown: [] });

    const inHost = await runBundledAction('push-ecr', {
      inputs: {
        image: 'debian:bookworm-slim',
        repository: 'acme/masked',
        registry: `robot:${REGISTRY_PASSWORD}@127.0.0.1:9`,
        username: 'robot',
        password: REGISTRY_PASSWORD
      },
      env: { GITHUB_WORKSPACE: workspace }
    });
    expect(inHost.log).toMatch(/Input 'registry': holds user information/);
    expect(exposure(inHost, forms(REGISTRY_PASSWORD))).toEqual({ unregistered: [], shown: [] });
  });

  describe('smoke-test-endpoint', () => {
    let server: Server;
    let port: number;
    const authorizations: (string | undefined)[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        authorizations.push(request.headers.authorization);
        if (request.headers.authorization !== `Basic ${basic('probe', PROBE_PASSWORD)}`) {
          response.writeHead(401).end();
          return;
        }
        request.resume();
        request.on('end', () =>
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"predictions":[1]}')
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
      mkdirSync(join(workspace, 'smoke'), { recursive: true });
      writeFileSync(
        join(workspace, 'smoke', 'case.json'),
        JSON.stringify({ request: { body: { x: 1 } }, expect: { status: 201 } })
      );
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('user information in url: sent as basic auth, never in the log, summary or report', async () => {
      const report = join(workspace, 'report.json');
      const run = await runBundledAction('smoke-test-endpoint', {
        inputs: {
          url: `http://probe:${encodeURIComponent(PROBE_PASSWORD)}@127.0.0.1:${port}`,
          'load-requests': '0',
          'report-path': 'report.json'
        },
        env: { GITHUB_WORKSPACE: workspace, ...awsEnv }
      });
      // The case expects 201 and gets 200: a failing case prints its target in the log and summary.
      expect(run.exitCode).toBe(1);
      expect(run.log).toContain(`http://127.0.0.1:${port}/invocations`);
      expect(authorizations.length).toBeGreaterThan(0);
      expect(new Set(authorizations)).toEqual(new Set([`Basic ${basic('probe', PROBE_PASSWORD)}`]));
      expect(
        exposure(run, [...forms(PROBE_PASSWORD), basic('probe', PROBE_PASSWORD), ...awsForms], [report])
      ).toEqual({ unregistered: [], shown: [] });
    });
  });
});
