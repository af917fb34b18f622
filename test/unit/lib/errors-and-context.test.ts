import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError, InputError, describeError } from '../../../src/lib/errors.js';
import { readGitHubContext, runUrl } from '../../../src/lib/github-context.js';
import { awsClientConfig } from '../../../src/lib/aws.js';

describe('describeError', () => {
  it('keeps our own messages as they are', () => {
    expect(describeError(new InputError('tags', 'bad', 'Fix it.'))).toBe("Input 'tags': bad. Fix it.");
    expect(describeError(new ActionError('Push failed.', 'Retry.'))).toBe('Push failed. Retry.');
  });

  it('prefixes service errors with their code', () => {
    const error = new Error('Repository x not found');
    error.name = 'RepositoryNotFoundException';
    expect(describeError(error)).toBe('RepositoryNotFoundException: Repository x not found');
  });

  it('describes values that are not errors', () => {
    expect(describeError('plain')).toBe('plain');
    expect(describeError({ code: 42 })).toBe('{"code":42}');
  });
});

describe('readGitHubContext', () => {
  it('reads a pull request number and head branch from the event payload', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctx-'));
    const eventPath = join(dir, 'event.json');
    writeFileSync(
      eventPath,
      JSON.stringify({ pull_request: { number: 17 }, repository: { default_branch: 'main' } })
    );
    const context = readGitHubContext({
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/17/merge',
      GITHUB_HEAD_REF: 'feature/x',
      GITHUB_REPOSITORY: 'acme/model',
      GITHUB_RUN_ID: '99',
      GITHUB_SHA: 'abc'
    });
    expect(context).toMatchObject({
      pullRequestNumber: 17,
      branch: 'feature/x',
      defaultBranch: 'main',
      sha: 'abc'
    });
    expect(runUrl(context)).toBe('https://github.com/acme/model/actions/runs/99');
  });

  it('takes the branch from a push ref and has no PR number', () => {
    const context = readGitHubContext({ GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push' });
    expect(context.branch).toBe('main');
    expect(context.pullRequestNumber).toBeUndefined();
    expect(runUrl(context)).toBe('');
  });
});

describe('awsClientConfig', () => {
  it('prefers the input, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(awsClientConfig('eu-west-1', { AWS_REGION: 'us-east-1' }).region).toBe('eu-west-1');
    expect(awsClientConfig(undefined, { AWS_DEFAULT_REGION: 'ap-south-1' }).region).toBe('ap-south-1');
  });

  it('explains how to give a region when none is set', () => {
    expect(() => awsClientConfig(undefined, {})).toThrow("Input 'aws-region': no region was given");
    expect(() => awsClientConfig('Europe', {})).toThrow("'Europe' is not an AWS region name");
  });
});
