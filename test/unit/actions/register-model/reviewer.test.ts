import { withReviewer } from '../../../../src/actions/register-model/reviewer.js';
import type { StatusChange } from '../../../../src/actions/register-model/types.js';
import { recordingLog } from '../../../helpers/recording-log.js';

const change: StatusChange = {
  version: { number: 3 },
  approvalStatus: 'Approved',
  by: 'alice',
  runUrl: 'https://github.com/acme/churn/actions/runs/42',
  reason: 'approved for production',
  reviewedIn: {
    name: 'production',
    apiUrl: 'https://ghe.example.com/api/v3/',
    token: 'ghs_token',
    repository: 'acme/churn',
    runId: '42'
  }
};

const review = (state: string, environment: string, login: string) => ({
  state,
  comment: '',
  environments: [{ id: 1, name: environment }],
  user: { login }
});

/** A fetch answering one response, recording what it was asked. */
function answering(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchImpl = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe('withReviewer', () => {
  it("asks the run's review history at GITHUB_API_URL with the token", async () => {
    const { calls, fetchImpl } = answering(200, [review('approved', 'production', 'carol')]);
    const result = await withReviewer(change, recordingLog(), fetchImpl);
    expect(result.by).toBe('carol');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('https://ghe.example.com/api/v3/repos/acme/churn/actions/runs/42/approvals');
    expect(calls[0]?.init?.headers).toMatchObject({ authorization: 'Bearer ghs_token' });
  });

  it.each([
    [
      'the last approval of the environment',
      [review('approved', 'Production', 'bob'), review('approved', 'production', 'carol')],
      'carol'
    ],
    ['no review of the environment', [review('approved', 'staging', 'bob')], 'alice'],
    ['a rejection only', [review('rejected', 'production', 'bob')], 'alice'],
    ['an empty history', [], 'alice']
  ])('records %s: %s', async (_name, history, by) => {
    const { fetchImpl } = answering(200, history);
    expect((await withReviewer(change, recordingLog(), fetchImpl)).by).toBe(by);
  });

  it('falls back to the triggering actor without a token (a local run) or for a run GitHub does not know', async () => {
    const log = recordingLog();
    const { calls, fetchImpl } = answering(200, [review('approved', 'production', 'carol')]);
    const local = { ...change, reviewedIn: { ...change.reviewedIn!, token: '' } };
    expect((await withReviewer(local, log, fetchImpl)).by).toBe('alice');
    expect(calls).toHaveLength(0);
    expect(log.infos).toContain(
      'No GitHub token or run to ask who approved environment production: recording the triggering actor alice.'
    );

    const unknown = answering(404, { message: 'Not Found' });
    expect((await withReviewer(change, log, unknown.fetchImpl)).by).toBe('alice');
    expect(log.warnings[0]).toContain('does not know run 42 of acme/churn');
  });

  it('fails on a refused token, saying which permission the job needs', async () => {
    const { fetchImpl } = answering(403, { message: 'Resource not accessible by integration' });
    await expect(withReviewer(change, recordingLog(), fetchImpl)).rejects.toThrow(
      /answered 403 reading who approved environment production: .*Resource not accessible by integration.*permissions: actions: read/s
    );
  });

  it('leaves a change without an environment alone', async () => {
    const { calls, fetchImpl } = answering(200, []);
    const { reviewedIn: _, ...plain } = change;
    expect(await withReviewer(plain, recordingLog(), fetchImpl)).toEqual(plain);
    expect(calls).toHaveLength(0);
  });
});
