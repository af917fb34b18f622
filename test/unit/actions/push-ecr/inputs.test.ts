import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInputs, type PushInputs } from '../../../../src/actions/push-ecr/inputs.js';
import { retentionPolicy } from '../../../../src/actions/push-ecr/lifecycle.js';

const workspace = mkdtempSync(join(tmpdir(), 'push-ecr-inputs-'));
writeFileSync(join(workspace, 'policy.json'), '{"rules":[{"rulePriority":1}]}');
writeFileSync(join(workspace, 'broken.json'), '{"rules":');
writeFileSync(join(workspace, 'norules.json'), '{}');

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';
const parse = (inputs: Record<string, string>): PushInputs =>
  parseInputs(reader({ image: 'my-model:3f2c1ab', repository: 'acme/model', ...inputs }), workspace);

describe('push-ecr inputs', () => {
  it('masks the registry password and its basic-auth pair as read, and refuses credentials in the host', () => {
    const masked: string[] = [];
    const mask = (secret: string) => masked.push(secret);
    const inputs = {
      image: 'm:1',
      repository: 'acme/model',
      registry: 'ghcr.io',
      username: 'a',
      password: 'p/w'
    };
    parseInputs(reader(inputs), workspace, mask);
    expect(masked).toEqual(expect.arrayContaining(['p/w', 'p%2Fw', Buffer.from('a:p/w').toString('base64')]));
    masked.length = 0;
    expect(() => parseInputs(reader({ ...inputs, registry: 'a:p/w@ghcr.io' }), workspace, mask)).toThrow(
      /^Input 'registry': holds user information \(user:password@host\)[^/]*$/
    );
    expect(masked).toContain('p/w');
  });

  it('defaults: the image tag, an IMMUTABLE scanned repository with retention by tag prefix (30 images, previews 14 days)', () => {
    expect(parse({})).toEqual({
      image: 'my-model:3f2c1ab',
      repository: 'acme/model',
      tags: ['3f2c1ab'],
      destination: {
        kind: 'ecr',
        create: {
          scanOnPush: true,
          imageTagMutability: 'IMMUTABLE',
          lifecyclePolicy: retentionPolicy({ keepImages: 30, previewRetentionDays: 14 })
        }
      },
      requireDockerManifest: true
    });
  });

  it.each<[string, Record<string, string>, Partial<PushInputs>]>([
    ['tags list, duplicates dropped', { tags: 'v1, latest\nv1' }, { tags: ['v1', 'latest'] }],
    ['untagged image pushes latest', { image: 'my-model' }, { tags: ['latest'] }],
    ['registry port is not a tag', { image: '127.0.0.1:5000/my-model' }, { tags: ['latest'] }],
    ['manifest check off', { 'require-docker-manifest': 'false' }, { requireDockerManifest: false }],
    [
      'no creation: no settings',
      { 'create-repository': 'false', 'registry-id': '123456789012', 'aws-region': 'eu-west-1' },
      { destination: { kind: 'ecr', registryId: '123456789012', awsRegion: 'eu-west-1' } }
    ],
    [
      'MUTABLE, no scan, no lifecycle policy',
      { 'image-tag-mutability': 'mutable', 'scan-on-push': 'false', 'keep-images': '0' },
      { destination: { kind: 'ecr', create: { scanOnPush: false, imageTagMutability: 'MUTABLE' } } }
    ],
    [
      'lifecycle policy from a file',
      { 'lifecycle-policy': 'policy.json' },
      {
        destination: {
          kind: 'ecr',
          create: {
            scanOnPush: true,
            imageTagMutability: 'IMMUTABLE',
            lifecyclePolicy: '{"rules":[{"rulePriority":1}]}'
          }
        }
      }
    ],
    [
      'retention settings',
      { 'keep-images': '5', 'preview-retention-days': '3' },
      {
        destination: {
          kind: 'ecr',
          create: {
            scanOnPush: true,
            imageTagMutability: 'IMMUTABLE',
            lifecyclePolicy: retentionPolicy({ keepImages: 5, previewRetentionDays: 3 })
          }
        }
      }
    ],
    [
      'the policy put on an existing repository too, even without creation',
      { 'lifecycle-policy-update': 'true', 'create-repository': 'false' },
      {
        destination: {
          kind: 'ecr',
          updateLifecyclePolicy: retentionPolicy({ keepImages: 30, previewRetentionDays: 14 })
        }
      }
    ],
    [
      'another registry',
      { registry: 'docker.io', username: 'acme', password: 'dckr_pat_x' },
      { destination: { kind: 'registry', registry: 'docker.io', username: 'acme', password: 'dckr_pat_x' } }
    ]
  ])('%s', (_name, inputs, expected) => {
    expect(parse(inputs)).toMatchObject(expected);
  });

  it.each<[Record<string, string>, string]>([
    [{ image: '' }, "Input 'image': is required"],
    [{ repository: '' }, "Input 'repository': is required"],
    [{ repository: 'Acme/Model' }, "Input 'repository': 'Acme/Model' is not a valid repository name"],
    [
      { repository: '123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/model' },
      "is a repository URI. Give the repository name alone ('acme/model')"
    ],
    [{ tags: 'v1, -bad' }, "Input 'tags': '-bad' is not a valid tag"],
    [{ image: `model@sha256:${'a'.repeat(64)}` }, "Input 'tags': is empty and"],
    [{ 'image-tag-mutability': 'SOMETIMES' }, "Input 'image-tag-mutability': 'SOMETIMES' is not allowed"],
    [{ 'registry-id': '12345' }, "Input 'registry-id': '12345' is not an AWS account ID"],
    [{ 'keep-images': '-1' }, "Input 'keep-images': -1 is below the minimum of 0"],
    [{ 'preview-retention-days': '0' }, "Input 'preview-retention-days': 0 is below the minimum of 1"],
    [
      { 'keep-images': '0', 'lifecycle-policy-update': 'true' },
      "Input 'lifecycle-policy-update': is true but there is no policy to put"
    ],
    [{ 'lifecycle-policy': 'missing.json' }, "Input 'lifecycle-policy': cannot read"],
    [{ 'lifecycle-policy': 'broken.json' }, 'is not valid JSON'],
    [{ 'lifecycle-policy': 'norules.json' }, "has no 'rules' list"],
    [{ 'scan-on-push': 'maybe' }, "Input 'scan-on-push': 'maybe' is not a boolean"],
    [{ registry: 'docker.io', username: 'acme' }, "Input 'password': is required with 'registry: docker.io'"],
    [{ registry: 'docker.io' }, "Input 'username': is required"],
    [
      { registry: 'https://ghcr.io', username: 'a', password: 'b' },
      "'https://ghcr.io' is not a registry host"
    ]
  ])('rejects %j', (inputs, message) => {
    expect(() => parse(inputs)).toThrow(message);
  });
});
