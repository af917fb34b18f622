import * as core from '@actions/core';
import { describeError } from './errors.js';

const POST_STATE = 'modelship-is-post';

export interface ActionSteps {
  main: () => void | Promise<void>;
  /** Runs in the action's `post:` step, after the job, even when main failed. */
  post?: () => void | Promise<void>;
}

/**
 * The one top-level handler of every action: runs main (or post, on the second invocation of the same
 * bundle) and turns anything thrown into a single readable failure annotation.
 */
export async function runAction(steps: ActionSteps): Promise<void> {
  const isPost = core.getState(POST_STATE) === 'true';
  try {
    if (isPost) {
      if (steps.post) await steps.post();
      return;
    }
    if (steps.post) core.saveState(POST_STATE, 'true');
    await steps.main();
  } catch (error) {
    core.setFailed(describeError(error));
  }
}
