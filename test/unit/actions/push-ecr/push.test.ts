import { jest } from '@jest/globals';
import type { LocalImage } from '../../../../src/actions/push-ecr/decision.js';
import { MediaType, type RemoteImage } from '../../../../src/actions/push-ecr/manifest.js';
import type { PushTarget } from '../../../../src/actions/push-ecr/target.js';

const tagAndPush =
  jest.fn<(configDir: string, image: string, reference: string, log: unknown) => Promise<string>>();
jest.unstable_mockModule('../../../../src/actions/push-ecr/docker.js', () => ({ tagAndPush }));
const { pushImage } = await import('../../../../src/actions/push-ecr/push.js');
import { recordingLog } from '../../../helpers/recording-log.js';

const URI = '000000000000.dkr.ecr.us-east-1.amazonaws.com/acme/model';
const CONFIG = `sha256:${'c'.repeat(64)}`;
const OLD = `sha256:${'0'.repeat(64)}`;
const NEW = `sha256:${'1'.repeat(64)}`;
const local: LocalImage = { id: CONFIG, repoDigests: [] };

/** A registry in memory: lookups read `tags`, pushes (through the mocked docker) write it. */
function fakeTarget(tags: Map<string, RemoteImage>, immutable: boolean) {
  const calls = { logins: 0, lookups: 0 };
  const target: PushTarget = {
    registry: URI.split('/')[0] as string,
    repositoryUri: URI,
    lookup: async (wanted) => {
      calls.lookups += 1;
      return new Map([...tags].filter(([tag]) => wanted.includes(tag)));
    },
    isImmutable: () => immutable,
    login: async () => {
      calls.logins += 1;
    }
  };
  return { target, calls };
}

let log = recordingLog();
beforeEach(() => {
  log = recordingLog();
});

const request = (tags: string[], requireDockerManifest = true) => ({
  image: 'my-model:v1',
  local,
  tags,
  requireDockerManifest,
  configDir: '/tmp/config',
  log
});

const pushesAs = (
  tags: Map<string, RemoteImage>,
  digest: string,
  mediaType: string = MediaType.DockerManifest
) =>
  tagAndPush.mockImplementation(async (_dir, _image, reference) => {
    tags.set(reference.slice(reference.lastIndexOf(':') + 1), { digest, mediaType, configDigest: CONFIG });
    return digest;
  });

beforeEach(() => tagAndPush.mockReset());

describe('pushImage', () => {
  it('skips without logging in when every tag holds the image', async () => {
    const tags = new Map([
      ['v1', { digest: OLD, mediaType: MediaType.DockerManifest, configDigest: CONFIG }]
    ]);
    const { target, calls } = fakeTarget(tags, true);
    const result = await pushImage(target, request(['v1']));
    expect(result).toMatchObject({ pushed: false, digest: OLD, imageUri: `${URI}@${OLD}` });
    expect(calls).toEqual({ logins: 0, lookups: 1 });
    expect(tagAndPush).not.toHaveBeenCalled();
  });

  it('refuses every conflicting immutable tag before any login or upload', async () => {
    const other = { digest: OLD, mediaType: MediaType.DockerManifest, configDigest: 'sha256:other' };
    const { target, calls } = fakeTarget(
      new Map([
        ['v1', other],
        ['latest', other]
      ]),
      true
    );
    await expect(pushImage(target, request(['new', 'v1', 'latest']))).rejects.toThrow(
      `${URI} is immutable and 'v1' (holds ${OLD}), 'latest' (holds ${OLD}) already hold a different image than my-model:v1`
    );
    expect(calls.logins).toBe(0);
    expect(tagAndPush).not.toHaveBeenCalled();
  });

  it('pushes only the missing tags, then reads them back', async () => {
    const tags = new Map([
      ['v1', { digest: NEW, mediaType: MediaType.DockerManifest, configDigest: CONFIG }]
    ]);
    pushesAs(tags, NEW);
    const { target, calls } = fakeTarget(tags, true);
    const result = await pushImage(target, request(['v1', 'stable']));
    expect(tagAndPush.mock.calls).toEqual([['/tmp/config', 'my-model:v1', `${URI}:stable`, log]]);
    expect(result).toMatchObject({ pushed: true, digest: NEW });
    expect(calls).toEqual({ logins: 1, lookups: 2 });
  });

  it('fails when a pushed tag does not name the pushed digest afterwards', async () => {
    const tags = new Map<string, RemoteImage>();
    tagAndPush.mockImplementation(async () => {
      tags.set('v1', { digest: OLD, mediaType: MediaType.DockerManifest });
      return NEW;
    });
    const { target } = fakeTarget(tags, false);
    await expect(pushImage(target, request(['v1']))).rejects.toThrow(
      `After the push, ${URI}:v1 names ${OLD}, not the pushed ${NEW}.`
    );
  });

  it('fails on an OCI index unless require-docker-manifest is off, then warns', async () => {
    const tags = new Map<string, RemoteImage>();
    pushesAs(tags, NEW, MediaType.OciIndex);
    await expect(pushImage(fakeTarget(tags, false).target, request(['v1']))).rejects.toThrow(
      '--provenance=false'
    );
    tags.clear();
    const result = await pushImage(fakeTarget(tags, false).target, request(['v1'], false));
    expect(result.mediaType).toBe(MediaType.OciIndex);
    expect(log.warnings.join('\n')).toContain('--provenance=false');
  });
});
