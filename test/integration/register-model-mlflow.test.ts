import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { displayedLog, runBundledAction, type ActionRun } from '../helpers/action-runner.js';
import { startMlflowServer, type RunningMlflowServer } from '../mlflow-server/server.js';

jest.setTimeout(120_000);

const imageWith = (digit: string) => `127.0.0.1:5000/churn@sha256:${digit.repeat(64)}`;
const ok = (run: ActionRun) => ({ exitCode: run.exitCode, log: run.exitCode === 0 ? '' : run.log });

/** register-model's MLflow backend, run from its bundle against the local MLflow test server. */
describe('register-model with MLflow', () => {
  let server: RunningMlflowServer;
  let workspace: string;

  const register = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runBundledAction('register-model', {
      inputs: { backend: 'mlflow', 'tracking-uri': server.url, 'model-name': 'diabetes', ...inputs },
      env: {
        GITHUB_WORKSPACE: workspace,
        GITHUB_REPOSITORY: 'acme/diabetes-model',
        GITHUB_SHA: 'abc123',
        GITHUB_REF: 'refs/pull/9/merge',
        GITHUB_RUN_ID: '77',
        MLFLOW_TRACKING_TOKEN: 'token-for-tests',
        ...env
      }
    });

  beforeAll(async () => {
    server = await startMlflowServer({
      token: 'token-for-tests',
      users: [
        { username: 'ci', password: 'ci-password' },
        { username: 'viewer', password: 'viewer-password', readOnly: true }
      ]
    });
    workspace = mkdtempSync(join(tmpdir(), 'register-model-mlflow-'));
    writeFileSync(join(workspace, 'metrics.json'), JSON.stringify({ r2: 0.45 }));
  });
  afterAll(async () => {
    await server.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('registers versions of an existing model, moves the alias and resolves it', async () => {
    await fetch(`${server.url}/api/2.0/mlflow/registered-models/create`, {
      method: 'POST',
      headers: { Authorization: 'Bearer token-for-tests' },
      body: JSON.stringify({ name: 'diabetes', description: 'made by hand' })
    });
    const first = await register({
      'image-uri': imageWith('a'),
      alias: 'champion',
      'run-id': 'run-1',
      'metrics-file': 'metrics.json'
    });
    expect(ok(first)).toEqual({ exitCode: 0, log: '' });
    expect(first.outputs).toEqual({
      'model-package-arn': 'diabetes/1',
      // Not Approved, and its image is not in ECR: no release tag.
      'release-tag': '',
      version: '1',
      'approval-status': 'PendingManualApproval',
      'image-uri': imageWith('a'),
      created: 'true',
      'approval-description': ''
    });
    const model = server.models.get('diabetes');
    expect(model?.description).toBe('made by hand');
    expect(model?.versions[0]).toMatchObject({
      run_id: 'run-1',
      source: imageWith('a'),
      tags: expect.arrayContaining([
        { key: 'git.pull-request', value: '9' },
        { key: 'metric.r2', value: '0.45' }
      ])
    });

    const second = await register({ 'image-uri': imageWith('b'), alias: 'champion' });
    expect(ok(second)).toEqual({ exitCode: 0, log: '' });
    expect(second.outputs).toMatchObject({ 'model-package-arn': 'diabetes/2', created: 'true' });
    expect(server.models.get('diabetes')?.aliases.get('champion')).toBe('2');

    const rerun = await register({ 'image-uri': imageWith('b'), alias: 'champion' });
    expect(rerun.outputs).toMatchObject({ version: '2', created: 'false' });
    expect(server.models.get('diabetes')?.versions).toHaveLength(2);

    const resolved = await register({ mode: 'resolve', alias: 'champion' });
    expect(ok(resolved)).toEqual({ exitCode: 0, log: '' });
    expect(resolved.outputs).toMatchObject({
      'model-package-arn': 'diabetes/2',
      'image-uri': imageWith('b')
    });
    expect(resolved.summary).toContain('Resolved diabetes/2');
  });

  it('sends the token as a bearer header, or basic auth, and never displays either', async () => {
    server.requests.length = 0;
    const bearer = await register({ mode: 'resolve', alias: 'champion' });
    expect(ok(bearer)).toEqual({ exitCode: 0, log: '' });
    expect(server.requests.map((request) => request.authorization)).toEqual(['Bearer token-for-tests']);
    expect(displayedLog(bearer)).not.toContain('token-for-tests');

    server.requests.length = 0;
    const basic = await register(
      { mode: 'resolve', alias: 'champion' },
      { MLFLOW_TRACKING_TOKEN: '', MLFLOW_TRACKING_USERNAME: 'ci', MLFLOW_TRACKING_PASSWORD: 'ci-password' }
    );
    expect(ok(basic)).toEqual({ exitCode: 0, log: '' });
    const credentials = Buffer.from('ci:ci-password').toString('base64');
    expect(server.requests.map((request) => request.authorization)).toEqual([`Basic ${credentials}`]);
    expect(basic.log).toContain(`::add-mask::${credentials}`);
  });

  it('fails clearly on 401, 403 and a server that is down, leaving nothing registered', async () => {
    const unauthenticated = await register(
      { 'image-uri': imageWith('c') },
      { MLFLOW_TRACKING_TOKEN: 'wrong' }
    );
    expect(unauthenticated.exitCode).not.toBe(0);
    expect(unauthenticated.log).toContain('HTTP 401 (not authenticated)');
    expect(unauthenticated.log).toContain('Set MLFLOW_TRACKING_TOKEN');

    const forbidden = await register(
      { 'model-name': 'viewer-model', 'image-uri': imageWith('c') },
      {
        MLFLOW_TRACKING_TOKEN: '',
        MLFLOW_TRACKING_USERNAME: 'viewer',
        MLFLOW_TRACKING_PASSWORD: 'viewer-password'
      }
    );
    expect(forbidden.exitCode).not.toBe(0);
    expect(forbidden.log).toContain('HTTP 403 (permission denied)');
    expect(server.models.has('viewer-model')).toBe(false);

    const down = await startMlflowServer();
    const downUrl = down.url;
    await down.close();
    const unreachable = await runBundledAction('register-model', {
      inputs: {
        backend: 'mlflow',
        'tracking-uri': downUrl,
        'model-name': 'diabetes',
        'image-uri': imageWith('c')
      },
      env: { GITHUB_WORKSPACE: workspace }
    });
    expect(unreachable.exitCode).not.toBe(0);
    expect(unreachable.log).toContain(`Cannot reach the MLflow tracking server at ${downUrl} (ECONNREFUSED)`);
    expect(server.models.get('diabetes')?.versions).toHaveLength(2);
  });
});
