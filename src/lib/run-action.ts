import * as core from '@actions/core';
import { describeError } from './errors.js';
import { maskSecret, redactUrl } from './secrets.js';

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
/** Credentials the AWS SDK reads from the environment in any action's step. */
const CREDENTIAL_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];

export async function runAction(steps: ActionSteps): Promise<void> {
  for (const name of CREDENTIAL_VARIABLES) {
    const value = process.env[name];
    if (value) maskSecret(value, (secret) => core.setSecret(secret));
  }
  const isPost = core.getState(POST_STATE) === 'true';
  try {
    if (isPost) {
      if (steps.post) await steps.post();
      return;
    }
    if (steps.post) core.saveState(POST_STATE, 'true');
    await steps.main();
  } catch (error) {
    // A URL's user information is a credential, whichever library put the URL in the message.
    core.setFailed(redactUrl(describeError(error)));
  }
}
