import { defaultTags } from '../../../../src/actions/build-image/tags.js';
import { ociLabels, mergeLabels } from '../../../../src/actions/build-image/labels.js';
import { failingStep, failureReason } from '../../../../src/actions/build-image/failure.js';
import { isValidRepository, slugForTag } from '../../../../src/actions/build-image/references.js';
import { isValidDockerTag } from '../../../../src/lib/docker-tags.js';
import type { GitHubContext } from '../../../../src/lib/github-context.js';

const context = (overrides: Partial<GitHubContext>): GitHubContext => ({
  repository: 'acme/diabetes',
  serverUrl: 'https://github.com',
  sha: '0123456789abcdef',
  ref: '',
  refName: '',
  eventName: 'push',
  runId: '1',
  runAttempt: '1',
  workspace: '/ws',
  ...overrides
});

describe('defaultTags', () => {
  it.each<[string, Partial<GitHubContext>, string[]]>([
    ['default branch', { branch: 'main', defaultBranch: 'main' }, ['0123456', 'main', 'latest']],
    ['other branch', { branch: 'Feature/Add_CSV', defaultBranch: 'main' }, ['0123456', 'feature-add_csv']],
    ['pull request', { pullRequestNumber: 12, branch: 'feature/x' }, ['0123456', 'pr-12']],
    ['pushed git tag', { ref: 'refs/tags/v1.2.0' }, ['0123456', 'v1.2.0']],
    ['outside a workflow', { sha: '' }, ['latest']]
  ])('%s', (_name, overrides, expected) => {
    expect(defaultTags(context(overrides))).toEqual(expected);
  });
});

describe('image references', () => {
  it.each(['my-model', 'ghcr.io/acme/my-model', '127.0.0.1:5510/model_a', 'a.b/c__d'])(
    'accepts %s',
    (name) => {
      expect(isValidRepository(name)).toBe(true);
    }
  );
  it.each(['My-Model', 'model:tag', '-model', 'a//b', ''])('refuses %p', (name) => {
    expect(isValidRepository(name)).toBe(false);
  });
  it.each([
    ['v1.2-rc', true],
    ['.hidden', false],
    ['has space', false],
    ['x'.repeat(129), false]
  ])('tag %p valid: %p', (tag, valid) => {
    expect(isValidDockerTag(tag)).toBe(valid);
  });
  it('slugs branch names into tags', () => {
    expect(slugForTag('-Feature/ünïcode--')).toBe('feature-n-code');
  });
});

describe('labels', () => {
  it('sets OCI labels from the run and lets user labels win', () => {
    const automatic = ociLabels(context({}), 'my-model', 'abc', new Date('2026-01-02T03:04:05Z'));
    expect(Object.fromEntries(automatic)).toEqual({
      'org.opencontainers.image.source': 'https://github.com/acme/diabetes',
      'org.opencontainers.image.revision': '0123456789abcdef',
      'org.opencontainers.image.created': '2026-01-02T03:04:05.000Z',
      'org.opencontainers.image.title': 'diabetes',
      'org.opencontainers.image.version': 'abc'
    });
    const merged = mergeLabels(automatic, new Map([['org.opencontainers.image.title', 'mine']]));
    expect(merged.get('org.opencontainers.image.title')).toBe('mine');
  });
});

describe('failing step', () => {
  it('names the classic builder step', () => {
    const output =
      "Step 1/3 : FROM x\n ---> 1\nStep 2/3 : RUN false\n ---> Running in 2\nThe command '/bin/sh -c false' returned a non-zero code: 1";
    expect(failingStep(output)).toBe('Step 2/3: RUN false');
    expect(failureReason(output)).toBe("The command '/bin/sh -c false' returned a non-zero code: 1");
  });

  it('names the BuildKit step from its error block', () => {
    const output = [
      '#5 [2/3] RUN false',
      '#5 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1',
      '------',
      ' > [2/3] RUN false:',
      '------',
      'ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1'
    ].join('\n');
    expect(failingStep(output)).toBe('[2/3] RUN false');
  });

  it('is undefined when the build never reached a step', () => {
    expect(failingStep('unable to prepare context')).toBeUndefined();
  });
});
