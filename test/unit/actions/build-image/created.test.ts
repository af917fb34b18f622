import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { creationTime, fromSourceDateEpoch } from '../../../../src/actions/build-image/created.js';

const clock = new Date('2030-01-01T00:00:00Z');
const now = () => clock;

// A real repository with one commit at a known time: the commit time is read with git, not mocked.
const repo = mkdtempSync(join(tmpdir(), 'created-repo-'));
const git = (...args: string[]) =>
  execFileSync('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_COMMITTER_DATE: '2026-03-04T05:06:07Z'
    }
  }).trim();
git('init', '--quiet');
writeFileSync(join(repo, 'train.py'), 'print(1)\n');
git('add', 'train.py');
git('commit', '--quiet', '--message', 'model');
const sha = git('rev-parse', 'HEAD');

describe('creationTime', () => {
  it('is the commit time when the workspace holds the commit', async () => {
    expect(await creationTime({}, repo, sha, now)).toEqual(new Date('2026-03-04T05:06:07Z'));
  });

  it('prefers SOURCE_DATE_EPOCH', async () => {
    expect(await creationTime({ SOURCE_DATE_EPOCH: '1700000000' }, repo, sha, now)).toEqual(
      new Date(1_700_000_000_000)
    );
  });

  it.each([
    ['a commit the checkout does not have', 'f'.repeat(40)],
    ['no commit (outside a workflow)', ''],
    ['a value that is not a commit id', '--output=/tmp/x']
  ])('falls back to the clock for %s', async (_name, commit) => {
    expect(await creationTime({}, repo, commit, now)).toBe(clock);
  });

  it('refuses a SOURCE_DATE_EPOCH that is not seconds', () => {
    expect(() => fromSourceDateEpoch('2026-01-01')).toThrow(
      "SOURCE_DATE_EPOCH '2026-01-01' is not a number of seconds since 1970-01-01."
    );
  });
});
