import { mockActionsCore } from '../../helpers/core-mock.js';

const core = mockActionsCore();
const { state, setFailed, secrets } = core;

const { runAction } = await import('../../../src/lib/run-action.js');

beforeEach(() => {
  core.reset();
});

describe('runAction', () => {
  it('masks the AWS credentials in the environment and user information of URLs in the failure', async () => {
    const saved = process.env['AWS_SESSION_TOKEN'];
    process.env['AWS_SESSION_TOKEN'] = 'session/token+1';
    try {
      await runAction({
        main: async () => {
          throw new TypeError('fetch failed: http://me:hunter2@host:1/x');
        }
      });
    } finally {
      if (saved === undefined) delete process.env['AWS_SESSION_TOKEN'];
      else process.env['AWS_SESSION_TOKEN'] = saved;
    }
    expect(secrets).toEqual(expect.arrayContaining(['session/token+1', 'session%2Ftoken%2B1']));
    expect(setFailed).toHaveBeenCalledWith('TypeError: fetch failed: http://***@host:1/x');
  });

  it('turns anything thrown into one failure message', async () => {
    await runAction({
      main: async () => {
        throw new Error('boom');
      }
    });
    expect(setFailed).toHaveBeenCalledWith('boom');
  });

  it('runs main first and post on the second invocation, even after a failed main', async () => {
    const calls: string[] = [];
    const steps = {
      main: async () => {
        calls.push('main');
        throw new Error('main failed');
      },
      post: async () => {
        calls.push('post');
      }
    };
    await runAction(steps);
    await runAction(steps);
    expect(calls).toEqual(['main', 'post']);
    expect(setFailed).toHaveBeenCalledTimes(1);
  });

  it('does not save post state for actions without a post step', async () => {
    await runAction({ main: async () => undefined });
    expect(state).toEqual({});
  });
});
