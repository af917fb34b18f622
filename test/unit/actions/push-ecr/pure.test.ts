import { decideTags, isSameImage, type LocalImage } from '../../../../src/actions/push-ecr/decision.js';
import {
  loginArgs,
  manifestInspectArgs,
  pushArgs,
  pushedDigest
} from '../../../../src/actions/push-ecr/docker-commands.js';
import { loginFailure, pushFailure } from '../../../../src/actions/push-ecr/failures.js';
import {
  configDigestOf,
  MediaType,
  sageMakerManifestProblem
} from '../../../../src/actions/push-ecr/manifest.js';
import { isTagImmutable } from '../../../../src/actions/push-ecr/mutability.js';
import {
  isLoopbackRegistry,
  isValidRepositoryName,
  registryHost,
  tagOf
} from '../../../../src/actions/push-ecr/names.js';

const CONFIG = `sha256:${'c'.repeat(64)}`;
const DIGEST = `sha256:${'d'.repeat(64)}`;
const OTHER = `sha256:${'e'.repeat(64)}`;
const URI = '000000000000.dkr.ecr.us-east-1.amazonaws.com/acme/model';

describe('repository names (ECR pattern from the service model)', () => {
  it.each([
    ['acme/model', true],
    ['a1', true],
    ['my-model.v2/sub__x', true],
    ['a', false],
    ['Acme/model', false],
    ['acme//model', false],
    ['acme/model:v1', false],
    ['-model', false],
    ['model-', false],
    ['x'.repeat(257), false]
  ])('%s valid: %s', (name, valid) => {
    expect(isValidRepositoryName(name)).toBe(valid);
  });
});

describe('references', () => {
  it.each([
    ['my-model:3f2c1ab', '3f2c1ab'],
    ['my-model', undefined],
    ['127.0.0.1:5000/acme/model', undefined],
    ['127.0.0.1:5000/acme/model:v1', 'v1'],
    [`model:v1@${DIGEST}`, 'v1'],
    [`model@${DIGEST}`, undefined]
  ])('tag of %s is %s', (reference, tag) => {
    expect(tagOf(reference)).toBe(tag);
  });

  it.each([
    ['127.0.0.1:5510', true],
    ['localhost:5000', true],
    ['[::1]:5000', true],
    ['docker.io', false],
    ['000000000000.dkr.ecr.us-east-1.amazonaws.com', false]
  ])('%s is loopback: %s', (registry, loopback) => {
    expect(isLoopbackRegistry(registry)).toBe(loopback);
  });

  it('turns a proxy endpoint into a registry host', () => {
    expect(registryHost('https://000000000000.dkr.ecr.us-east-1.amazonaws.com')).toBe(
      '000000000000.dkr.ecr.us-east-1.amazonaws.com'
    );
    expect(registryHost('http://127.0.0.1:5510/')).toBe('127.0.0.1:5510');
  });
});

describe('idempotency decisions', () => {
  const local: LocalImage = { id: CONFIG, repoDigests: [] };
  const immutable = () => true;
  const mutable = () => false;

  it('recognises the same image by RepoDigests or by config digest', () => {
    expect(
      isSameImage({ id: 'x', repoDigests: [`${URI}@${DIGEST}`] }, URI, { digest: DIGEST, mediaType: '' })
    ).toBe(true);
    expect(isSameImage(local, URI, { digest: DIGEST, mediaType: '', configDigest: CONFIG })).toBe(true);
    expect(
      isSameImage({ id: 'x', repoDigests: [`other/repo@${DIGEST}`] }, URI, { digest: DIGEST, mediaType: '' })
    ).toBe(false);
    expect(isSameImage(local, URI, { digest: DIGEST, mediaType: MediaType.OciIndex })).toBe(false);
  });

  it('keeps, pushes, moves and refuses per tag', () => {
    const remote = new Map([
      ['same', { digest: DIGEST, mediaType: MediaType.DockerManifest, configDigest: CONFIG }],
      ['other', { digest: OTHER, mediaType: MediaType.DockerManifest, configDigest: 'sha256:f' }]
    ]);
    expect(decideTags(local, URI, ['same', 'new', 'other'], remote, immutable).map((s) => s.action)).toEqual([
      'keep',
      'push',
      'conflict'
    ]);
    expect(decideTags(local, URI, ['other'], remote, mutable)).toEqual([
      { tag: 'other', action: 'push', reason: 'moves', from: OTHER }
    ]);
  });
});

describe('tag mutability', () => {
  const filters = [{ filterType: 'WILDCARD' as const, filter: 'dev-*' }];
  it.each([
    ['IMMUTABLE', 'dev-1', true],
    ['MUTABLE', 'v1', false],
    ['IMMUTABLE_WITH_EXCLUSION', 'dev-1', false],
    ['IMMUTABLE_WITH_EXCLUSION', 'v1', true],
    ['MUTABLE_WITH_EXCLUSION', 'dev-1', true],
    ['MUTABLE_WITH_EXCLUSION', 'v1', false]
  ])('%s: %s immutable %s', (mode, tag, expected) => {
    expect(isTagImmutable({ mode, exclusionFilters: filters }, tag)).toBe(expected);
  });
});

describe('docker command builders', () => {
  it('always name the temporary config and pass the password on stdin', () => {
    expect(loginArgs('/tmp/c', 'reg:5000', 'AWS')).toEqual([
      '--config',
      '/tmp/c',
      'login',
      '--username',
      'AWS',
      '--password-stdin',
      'reg:5000'
    ]);
    expect(pushArgs('/tmp/c', 'reg/a:v1')).toEqual(['--config', '/tmp/c', 'push', 'reg/a:v1']);
    expect(manifestInspectArgs('/tmp/c', 'reg/a:v1', true)).toContain('--insecure');
    expect(manifestInspectArgs('/tmp/c', 'docker.io/a:v1', false)).not.toContain('--insecure');
  });

  it('reads the digest docker push printed last', () => {
    expect(pushedDigest(`abc: Pushed\nv1: digest: ${DIGEST} size: 528\n`)).toBe(DIGEST);
    expect(pushedDigest('error')).toBeUndefined();
  });
});

describe('failures', () => {
  it.each([
    [
      "tag invalid: The image tag 'v1' already exists in the 'a' repository and cannot be overwritten because the repository is immutable.",
      'refused to overwrite'
    ],
    ['unauthorized: Your authorization token has expired.', 'refused the credentials'],
    ['received unexpected HTTP status: 503 Service Unavailable', 'did not answer'],
    ['something odd happened', 'failed: something odd happened']
  ])('push output %s', (output, expected) => {
    const error = pushFailure('reg/a:v1', `The push refers to repository [reg/a]\n${output}`);
    expect(error.message).toContain(expected);
  });

  it('tells an unreachable registry from refused credentials at login', () => {
    expect(
      loginFailure(
        'reg',
        'Error response from daemon: Get "http://reg/v2/": dial tcp: connection refused',
        'hint'
      ).message
    ).toContain('did not answer');
    expect(
      loginFailure(
        'reg',
        'Error response from daemon: unauthorized: incorrect username or password',
        'Check it.'
      ).message
    ).toBe(
      'docker login to reg failed: Error response from daemon: unauthorized: incorrect username or password. Check it.'
    );
  });
});

describe('manifests', () => {
  it('reads the config digest of a single-image manifest only', () => {
    expect(configDigestOf(JSON.stringify({ config: { digest: CONFIG } }))).toBe(CONFIG);
    expect(configDigestOf(JSON.stringify({ manifests: [] }))).toBeUndefined();
    expect(configDigestOf('not json')).toBeUndefined();
  });

  it('accepts only Docker v2 manifests for SageMaker and explains attestations', () => {
    expect(sageMakerManifestProblem('r', MediaType.DockerManifest)).toBeUndefined();
    expect(sageMakerManifestProblem('r', MediaType.OciIndex)).toContain('--provenance=false');
    expect(sageMakerManifestProblem('r', MediaType.OciManifest)).toContain('oci-mediatypes=false');
  });
});
