import { ActionError } from '../../lib/errors.js';

export const RETRY_ADVICE =
  'Nothing was overwritten; re-run the job once the registry answers again (the push is idempotent: ' +
  'layers already uploaded are not sent twice and a tag that already holds this image is skipped).';

/** Turns docker push output into the failure a user can act on. */
export function pushFailure(reference: string, output: string): ActionError {
  const reason = lastErrorLine(output);
  if (/tag invalid|already exists .*cannot be overwritten|immutable/i.test(output)) {
    return new ActionError(
      `The registry refused to overwrite a tag while pushing ${reference}: ${reason}.`,
      'The repository is immutable; push under a new tag.'
    );
  }
  if (/unauthorized|authentication required|denied|expired/i.test(output)) {
    return new ActionError(
      `The registry refused the credentials while pushing ${reference}: ${reason}.`,
      'Check that the role may push to this repository (ecr:InitiateLayerUpload, ecr:PutImage, …) or that the username and password are valid.'
    );
  }
  if (registryUnavailable(output)) {
    return new ActionError(
      `The registry did not answer while pushing ${reference}: ${reason}.`,
      RETRY_ADVICE
    );
  }
  return new ActionError(
    `Pushing ${reference} failed: ${reason}.`,
    `The docker output above has the details. ${RETRY_ADVICE}`
  );
}

/** Turns docker login output into the failure a user can act on. */
export function loginFailure(registry: string, output: string, credentialsHint: string): ActionError {
  if (registryUnavailable(output) && !/unauthorized|denied|expired/i.test(output)) {
    return new ActionError(
      `The registry ${registry} did not answer docker login: ${lastErrorLine(output)}.`,
      RETRY_ADVICE
    );
  }
  return new ActionError(`docker login to ${registry} failed: ${lastErrorLine(output)}.`, credentialsHint);
}

function registryUnavailable(output: string): boolean {
  return /503|502|504|connection refused|EOF|timeout|no such host|unavailable/i.test(output);
}

function lastErrorLine(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const error = [...lines]
    .reverse()
    .find((line) => /error|denied|unauthorized|invalid|refused|unknown/i.test(line));
  return (error ?? lines.at(-1) ?? 'no output').replace(/\.$/, '');
}
