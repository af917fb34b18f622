import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startRegistry,
  type LocalRegistry,
  type RegistryPolicy
} from '../../../../src/local-stack/registry/index.js';
import { StateStore } from '../../../../src/local-stack/state.js';
import { parse } from 'yaml';
import { pushImage, putManifest } from '../fixtures/registry-push.js';

/** A policy with two repositories, one of them immutable, that records what the front door reports. */
function recordingPolicy() {
  const stored: [string, string][] = [];
  const policy: RegistryPolicy = {
    repositoryExists: (name) => name === 'door/mutable' || name === 'door/immutable',
    tagIsImmutable: (name) => name === 'door/immutable',
    manifestStored: (name, digest) => void stored.push([name, digest])
  };
  return { policy, stored };
}

interface RegistryErrors {
  errors: { code: string; message: string }[];
}

const errorsOf = async (response: Response) => ((await response.json()) as RegistryErrors).errors;

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the registry front door', () => {
  let dataDir: string;
  let state: StateStore;
  let registry: LocalRegistry;
  let stored: [string, string][];
  let token: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'modelship-registry-test-'));
    state = new StateStore(dataDir);
    const recording = recordingPolicy();
    stored = recording.stored;
    registry = await startRegistry({
      dataDir,
      state,
      policy: recording.policy,
      registryId: '000000000000',
      port: 0
    });
    token = basic('AWS', registry.tokens.issue().password);
  });
  afterAll(async () => {
    await registry.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, authorization?: string) =>
    fetch(`http://${registry.host}${path}`, { headers: authorization ? { authorization } : {} });

  it('asks for Basic credentials and refuses unknown ones', async () => {
    const anonymous = await get('/v2/');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="modelship-local"');
    expect((await get('/v2/', basic('AWS', 'guess'))).status).toBe(401);
    expect((await get('/v2/', basic('modelship-internal', 'guess'))).status).toBe(401);
  });

  it('tells a client its token expired, in the Registry API error format', async () => {
    const expired = registry.tokens.issue(new Date(Date.now() - 13 * 3600 * 1000)).password;
    const response = await get('/v2/', basic('AWS', expired));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errors: [
        {
          code: 'DENIED',
          message: 'Your authorization token has expired. Reauthenticate and try again.',
          detail: null
        }
      ]
    });
  });

  it('accepts tokens and the internal credentials, and keeps several tokens valid at once', async () => {
    const second = basic('AWS', registry.tokens.issue().password);
    const internal = registry.internalCredentials();
    expect(internal.serverAddress).toBe(registry.host);
    for (const authorization of [token, second, basic(internal.username, internal.password)]) {
      expect((await get('/v2/', authorization)).status).toBe(200);
    }
    const dockerConfig = JSON.parse(readFileSync(join(registry.dockerConfigDir, 'config.json'), 'utf8'));
    expect(dockerConfig.auths[registry.host].auth).toBe(
      Buffer.from(`${internal.username}:${internal.password}`).toString('base64')
    );
  });

  it('leaves docker-registry itself guarded by htpasswd on a private loopback port', async () => {
    const config = parse(readFileSync(join(dataDir, 'registry', 'config.yml'), 'utf8')) as {
      http: { addr: string };
    };
    expect(config.http.addr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(config.http.addr).not.toBe(registry.host);
    expect((await fetch(`http://${config.http.addr}/v2/`)).status).toBe(401);
    const internal = registry.internalCredentials();
    const direct = await fetch(`http://${config.http.addr}/v2/`, {
      headers: { authorization: basic(internal.username, internal.password) }
    });
    expect(direct.status).toBe(200);
    expect(readFileSync(join(dataDir, 'registry', 'htpasswd'), 'utf8')).toMatch(/^modelship-internal:\$2y\$/);
  });

  it('answers name unknown for a repository ECR does not have', async () => {
    const response = await get('/v2/door/other/tags/list', token);
    expect(response.status).toBe(404);
    expect((await errorsOf(response))[0]).toMatchObject({
      code: 'NAME_UNKNOWN',
      message: "The repository with name 'door/other' does not exist in the registry with id '000000000000'"
    });
  });

  it('streams uploads through, reports stored manifests, and lets mutable tags move', async () => {
    const first = await pushImage(registry.host, token, 'door/mutable', 'latest');
    const second = await pushImage(registry.host, token, 'door/mutable', 'latest');
    expect(await registry.client.manifestDigest('door/mutable', 'latest')).toBe(second.digest);
    expect(stored).toEqual(
      expect.arrayContaining([
        ['door/mutable', first.digest],
        ['door/mutable', second.digest]
      ])
    );
  });

  it('refuses to move an immutable tag and accepts the same manifest again', async () => {
    const first = await pushImage(registry.host, token, 'door/immutable', 'v1');
    const other = await pushImage(registry.host, token, 'door/immutable', 'v2');
    const moved = await putManifest(registry.host, token, 'door/immutable', 'v1', other.manifest);
    expect(moved.status).toBe(400);
    expect((await errorsOf(moved))[0]).toMatchObject({
      code: 'TAG_INVALID',
      message:
        "The image tag 'v1' already exists in the 'door/immutable' repository and cannot be overwritten because the repository is immutable."
    });
    expect(await registry.client.manifestDigest('door/immutable', 'v1')).toBe(first.digest);
    const again = await putManifest(registry.host, token, 'door/immutable', 'v1', first.manifest);
    expect(again.status).toBe(201);
    await again.arrayBuffer();
  });

  it('says the registry is unavailable when docker-registry is gone', async () => {
    const pid = Number(readFileSync(join(dataDir, 'registry', 'registry.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    while (registry.running()) await new Promise((resolve) => setTimeout(resolve, 20));
    const response = await get('/v2/door/mutable/tags/list', token);
    expect(response.status).toBe(503);
    expect((await errorsOf(response))[0]?.code).toBe('UNAVAILABLE');
  });
});
