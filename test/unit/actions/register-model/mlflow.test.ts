import { authorizationHeader, MlflowClient } from '../../../../src/actions/register-model/mlflow-client.js';
import {
  registerMlflow,
  resolveMlflow,
  setMlflowStatus
} from '../../../../src/actions/register-model/mlflow.js';
import type { MlflowRegistration } from '../../../../src/actions/register-model/types.js';
import { startMlflowServer, type RunningMlflowServer } from '../../../mlflow-server/server.js';

const imageWith = (digit: string) => `registry.local/churn@sha256:${digit.repeat(64)}`;
const registration = (image: string, alias?: string): MlflowRegistration => ({
  name: 'churn',
  description: 'from CI',
  tags: { team: 'ml' },
  source: image,
  imageUri: image,
  approvalStatus: 'PendingManualApproval',
  lineage: {
    repository: 'acme/churn',
    commit: 'c0ffee',
    ref: 'refs/heads/main',
    runUrl: 'https://github.com/acme/churn/actions/runs/1'
  },
  metrics: { r2: 0.9 },
  ...(alias !== undefined && { alias })
});
const log = { info: () => undefined, warning: () => undefined };

describe('MLflow registration', () => {
  let server: RunningMlflowServer;
  let client: MlflowClient;

  beforeEach(async () => {
    server = await startMlflowServer({ token: 'secret-token' });
    client = new MlflowClient(server.url, 'Bearer secret-token');
  });
  afterEach(() => server.close());

  it('creates the registered model, a tagged version, and points the alias at it', async () => {
    const result = await registerMlflow(client, registration(imageWith('a'), 'staging'), log);
    expect(result).toMatchObject({ id: 'churn/1', version: 1, created: true, imageUri: imageWith('a') });
    const model = server.models.get('churn');
    expect(model?.tags).toEqual([{ key: 'team', value: 'ml' }]);
    expect(model?.aliases.get('staging')).toBe('1');
    expect(model?.versions[0]).toMatchObject({
      source: imageWith('a'),
      run_link: 'https://github.com/acme/churn/actions/runs/1',
      tags: expect.arrayContaining([
        { key: 'git.commit', value: 'c0ffee' },
        { key: 'metric.r2', value: '0.9' },
        { key: 'image.uri', value: imageWith('a') }
      ])
    });
    expect(server.requests.every((request) => request.authorization === 'Bearer secret-token')).toBe(true);
  });

  it('adds a second version to an existing model, moves the alias, and reuses a version for the same digest', async () => {
    await registerMlflow(client, registration(imageWith('a'), 'champion'), log);
    const second = await registerMlflow(client, registration(imageWith('b'), 'champion'), log);
    expect(second).toMatchObject({ version: 2, created: true });
    expect((await resolveMlflow(client, 'churn', { alias: 'champion' })).version).toBe(2);

    const again = await registerMlflow(client, registration(imageWith('a'), 'champion'), log);
    expect(again).toMatchObject({ id: 'churn/1', created: false });
    expect(server.models.get('churn')?.versions).toHaveLength(2);
    expect(await resolveMlflow(client, 'churn', { alias: 'champion' })).toMatchObject({
      version: 1,
      imageUri: imageWith('a')
    });
  });

  it('removes what it created when setting the alias fails', async () => {
    // 'v1' is reserved by MLflow; the action's input check refuses it, the server refuses it too.
    await expect(registerMlflow(client, registration(imageWith('a'), 'v1'), log)).rejects.toThrow(
      /INVALID_PARAMETER_VALUE/
    );
    expect(server.models.has('churn')).toBe(false);

    await registerMlflow(client, registration(imageWith('a')), log);
    await expect(registerMlflow(client, registration(imageWith('b'), 'v2'), log)).rejects.toThrow(/reserved/);
    expect(server.models.get('churn')?.versions.map((version) => version.version)).toEqual(['1']);
  });

  it('explains a missing alias', async () => {
    await registerMlflow(client, registration(imageWith('a')), log);
    await expect(resolveMlflow(client, 'churn', { alias: 'champion' })).rejects.toThrow(
      /Registered model churn has no alias champion .*register a version with that alias first/
    );
  });

  it('approval moves champion to the version; rejection hands it back and the version is never resolved', async () => {
    const change = (version: number, approvalStatus: 'Approved' | 'Rejected', reason = '') => ({
      version: { number: version },
      approvalStatus,
      by: 'alice',
      runUrl: 'https://github.com/acme/churn/actions/runs/9',
      reason
    });
    await registerMlflow(client, registration(imageWith('a'), 'staging'), log);
    await registerMlflow(client, registration(imageWith('b'), 'staging'), log);
    await setMlflowStatus(client, 'churn', change(1, 'Approved'), 'champion', log);
    const approved = await setMlflowStatus(client, 'churn', change(2, 'Approved'), 'champion', log);
    expect(approved).toMatchObject({
      approvalStatus: 'Approved',
      approvalDescription: 'Approved by alice in https://github.com/acme/churn/actions/runs/9'
    });
    expect(approved.properties).toMatchObject({ 'approval.by': 'alice' });
    expect(server.models.get('churn')?.aliases.get('champion')).toBe('2');

    await setMlflowStatus(
      client,
      'churn',
      change(2, 'Rejected', 'production smoke test failed'),
      'champion',
      log
    );
    expect(server.models.get('churn')?.aliases.get('champion')).toBe('1');
    expect(await resolveMlflow(client, 'churn', { alias: 'champion' })).toMatchObject({ version: 1 });
    await expect(resolveMlflow(client, 'churn', { version: { number: 2 } })).rejects.toThrow(
      /churn\/2 was Rejected \(Rejected by alice .*: production smoke test failed\): a rejected version is never deployed/
    );
    await expect(setMlflowStatus(client, 'churn', change(2, 'Approved'), 'champion', log)).rejects.toThrow(
      /cannot become Approved/
    );

    await setMlflowStatus(client, 'churn', change(1, 'Rejected'), 'champion', log);
    expect(server.models.get('churn')?.aliases.has('champion')).toBe(false);
  });

  it('runs beforeApproval before a version becomes Approved, and leaves it unapproved when that fails', async () => {
    const change = (approvalStatus: 'Approved' | 'Rejected') => ({
      version: { number: 1 },
      approvalStatus,
      by: 'alice',
      runUrl: 'https://github.com/acme/churn/actions/runs/9',
      reason: ''
    });
    await registerMlflow(client, registration(imageWith('a'), 'staging'), log);
    const failing = async () => {
      throw new Error('the release tag names another image');
    };
    await expect(
      setMlflowStatus(client, 'churn', change('Approved'), 'champion', log, failing)
    ).rejects.toThrow('the release tag names another image');
    expect((await resolveMlflow(client, 'churn', { version: { number: 1 } })).approvalStatus).toBe(
      'PendingManualApproval'
    );
    expect(server.models.get('churn')?.aliases.has('champion')).toBe(false);

    const seen: string[] = [];
    const record = async (version: { imageUri: string; approvalStatus: string }) => {
      seen.push(`${version.imageUri} ${version.approvalStatus}`);
    };
    await setMlflowStatus(client, 'churn', change('Approved'), 'champion', log, record);
    // Again when already Approved (a version approved before release tags existed gets one); never on rejection.
    await setMlflowStatus(client, 'churn', change('Approved'), 'champion', log, record);
    await setMlflowStatus(client, 'churn', change('Rejected'), 'champion', log, record);
    expect(seen).toEqual([`${imageWith('a')} PendingManualApproval`, `${imageWith('a')} Approved`]);
  });

  it('turns 401, 403 and an unreachable server into actionable errors', async () => {
    await expect(
      registerMlflow(new MlflowClient(server.url, undefined), registration(imageWith('a')), log)
    ).rejects.toThrow(/refused GET registered-models\/get with HTTP 401 .*Set MLFLOW_TRACKING_TOKEN/);
    const basic = await startMlflowServer({
      users: [{ username: 'viewer', password: 'pw', readOnly: true }]
    });
    try {
      const viewer = new MlflowClient(
        basic.url,
        authorizationHeader(
          { MLFLOW_TRACKING_USERNAME: 'viewer', MLFLOW_TRACKING_PASSWORD: 'pw' },
          undefined,
          () => undefined
        )
      );
      await expect(registerMlflow(viewer, registration(imageWith('a')), log)).rejects.toThrow(
        /HTTP 403 \(permission denied\)/
      );
      expect(basic.requests[0]?.authorization).toBe(`Basic ${Buffer.from('viewer:pw').toString('base64')}`);
    } finally {
      await basic.close();
    }
    const stopped = await startMlflowServer();
    await stopped.close();
    await expect(
      registerMlflow(new MlflowClient(stopped.url, undefined), registration(imageWith('a')), log)
    ).rejects.toThrow(
      /Cannot reach the MLflow tracking server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/
    );
  });

  it('reads credentials as MLflow clients do (token, then basic auth, then the URL) and masks each', () => {
    const masked: string[] = [];
    const mask = (secret: string) => masked.push(secret);
    const fromUrl = `Basic ${Buffer.from('url-user:url-pw').toString('base64')}`;
    expect(
      authorizationHeader(
        { MLFLOW_TRACKING_TOKEN: 't', MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' },
        fromUrl,
        mask
      )
    ).toBe('Bearer t');
    expect(masked).toEqual(expect.arrayContaining(['t', 'p', 'dTpw']));
    expect(masked).not.toContain('u');
    expect(
      authorizationHeader({ MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' }, fromUrl, mask)
    ).toBe('Basic dTpw');
    expect(authorizationHeader({ MLFLOW_TRACKING_USERNAME: 'u' }, fromUrl, mask)).toBe(fromUrl);
    expect(authorizationHeader({ MLFLOW_TRACKING_USERNAME: 'u' }, undefined, mask)).toBeUndefined();
  });
});
