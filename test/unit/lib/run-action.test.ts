import { mockActionsCore } from '../../helpers/core-mock.js';

const core = mockActionsCore();
const { state, setFailed } = core;

const { runAction } = await import('../../../src/lib/run-action.js');

beforeEach(() => {
  core.reset();
});

describe('runAction', () => {
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
