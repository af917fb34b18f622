import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockActionsCore } from '../../../helpers/core-mock.js';
import { GitHubApiStandIn } from '../../../helpers/github-api.js';

const core = mockActionsCore();
const { run } = await import('../../../../src/actions/preview-comment/main.js');
const { CommentsApi } = await import('../../../../src/actions/preview-comment/github-api.js');

const TOKEN = 'ghs_standin_token';
const REPOSITORY = 'acme/diabetes-model';
const github = new GitHubApiStandIn(TOKEN);
let apiUrl: string;
let dir: string;

beforeAll(async () => {
  apiUrl = await github.start();
  dir = mkdtempSync(join(tmpdir(), 'preview-comment-'));
});
afterAll(() => github.stop());
beforeEach(() => core.reset());

function environment(pullRequest: number): NodeJS.ProcessEnv {
  const event = join(dir, `event-${pullRequest}.json`);
  writeFileSync(
    event,
    JSON.stringify({ pull_request: { number: pullRequest, head: { sha: 'c0ffee1234' } } })
  );
  return {
    GITHUB_API_URL: apiUrl,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_EVENT_PATH: event,
    GITHUB_SHA: 'merge000',
    AWS_REGION: 'eu-west-1'
  };
}

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

function report(p95: number): string {
  const path = join(dir, `report-${p95}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      cases: [{ file: 'smoke/a.json', name: 'a', passed: true, status: 200, latencyMs: 5 }],
      passed: 1,
      failed: 0,
      load: { requests: 50, latency: { p50: 3, p95, p99: p95, min: 1, max: p95 + 1, mean: 4 } }
    })
  );
  return path;
}

describe('the GitHub API stand-in', () => {
  it('refuses a wrong token as GitHub does, and pages comments', async () => {
    const wrong = await fetch(`${apiUrl}/repos/${REPOSITORY}/issues/1/comments`, {
      headers: { authorization: 'Bearer nope' }
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ message: 'Bad credentials' });

    for (let index = 0; index < 100; index += 1) github.addComment(REPOSITORY, 1, `note ${index}`);
    const api = new CommentsApi({ apiUrl, token: TOKEN, repository: REPOSITORY, pullRequest: 1 });
    expect(await api.create('note 100')).toMatchObject({
      body: 'note 100',
      html_url: expect.stringContaining('/pull/1#issuecomment-')
    });
    const page2 = await fetch(`${apiUrl}/repos/${REPOSITORY}/issues/1/comments?per_page=100&page=2`, {
      headers: { authorization: `Bearer ${TOKEN}` }
    });
    expect(((await page2.json()) as { body: string }[]).map((comment) => comment.body)).toEqual(['note 100']);
  });
});

describe('preview-comment run()', () => {
  it('creates the comment once, then updates the same one with the previous version beside', async () => {
    const inputs = {
      'github-token': TOKEN,
      'endpoint-name': 'diabetes-model-pr-1',
      'image-uri': `repo@sha256:${'1'.repeat(64)}`,
      'model-package-arn': 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/previews/1',
      'smoke-report': report(20),
      changes: '[]'
    };
    await run({ read: reader(inputs), env: environment(2) });
    expect(core.outputs['created']).toBe('true');
    const id = core.outputs['comment-id'];

    core.reset();
    await run({
      read: reader({
        ...inputs,
        'model-package-arn': 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/previews/2',
        'smoke-report': report(60)
      }),
      env: environment(2)
    });
    expect(core.outputs).toMatchObject({ created: 'false', 'comment-id': id });
    const mine = github.commentsOn(REPOSITORY, 2);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body).toContain('previous version `previews/1`');
    expect(mine[0]?.body).toContain('| Commit | `c0ffee1` |');
    expect(mine[0]?.body).toContain('--region eu-west-1');
    expect(core.secrets).toContain(TOKEN);
  });

  it('finds its comment among more than a page of others', async () => {
    await run({
      read: reader({ 'github-token': TOKEN, 'endpoint-name': 'e', status: 'torn-down' }),
      env: environment(1)
    });
    expect(core.outputs['created']).toBe('true');
    const first = core.outputs['comment-id'];
    core.reset();
    await run({
      read: reader({ 'github-token': TOKEN, 'endpoint-name': 'e', status: 'torn-down' }),
      env: environment(1)
    });
    expect(core.outputs).toMatchObject({ created: 'false', 'comment-id': first });
  });

  it('fails with what to do when the token is refused', async () => {
    await expect(
      run({ read: reader({ 'github-token': 'wrong', 'endpoint-name': 'e' }), env: environment(3) })
    ).rejects.toThrow(/answered 401: .*Bad credentials.*GITHUB_TOKEN/);
  });

  it('says which URL it could not reach', async () => {
    const api = new CommentsApi({
      apiUrl: 'http://127.0.0.1:9',
      token: TOKEN,
      repository: REPOSITORY,
      pullRequest: 1
    });
    await expect(api.findPreviewComment()).rejects.toThrow(
      /Cannot reach GitHub's API for GET http:\/\/127\.0\.0\.1:9\/repos\/acme\/diabetes-model\/issues\/1\/comments\?per_page=100&page=1: .*Check GITHUB_API_URL/
    );
  });

  it('says a run that is not for a pull request needs a number', async () => {
    await expect(
      run({ read: reader({ 'github-token': TOKEN, 'endpoint-name': 'e' }), env: { GITHUB_API_URL: apiUrl } })
    ).rejects.toThrow(/Input 'pull-request': is empty and this run is not for a pull request/);
  });
});
