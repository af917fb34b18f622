import { readFileSync } from 'node:fs';
import { InputError } from '../../lib/errors.js';
import { runUrl, type GitHubContext } from '../../lib/github-context.js';
import { getEnum, getOptionalString, getString, type InputReader } from '../../lib/inputs.js';
import type { CommentTarget } from './github-api.js';
import { parseChanges } from './sources.js';
import type { Deployment } from './types.js';

export const Input = {
  GithubToken: 'github-token',
  PullRequest: 'pull-request',
  Status: 'status',
  EndpointName: 'endpoint-name',
  StackName: 'stack-name',
  ImageUri: 'image-uri',
  ModelPackageArn: 'model-package-arn',
  SmokeReport: 'smoke-report',
  Changes: 'changes',
  AwsRegion: 'aws-region'
} as const;

export const Output = {
  CommentId: 'comment-id',
  CommentUrl: 'comment-url',
  Created: 'created'
} as const;

const STATUSES = ['success', 'failure', 'cancelled', 'torn-down'] as const;

export interface Inputs {
  target: CommentTarget;
  status: (typeof STATUSES)[number];
  /** The deployment's fields, except the smoke summary (read from smoke-report by main). */
  deployment: Omit<Deployment, 'smoke'>;
  smokeReport?: string;
}

export function parseInputs(read: InputReader, context: GitHubContext, env: NodeJS.ProcessEnv): Inputs {
  const token = getString(read, Input.GithubToken, { required: true });
  const pullRequest = pullRequestNumber(read, context);
  const status = getEnum(read, Input.Status, STATUSES, 'success');
  const endpointName = getString(read, Input.EndpointName, { required: true });
  const region =
    getOptionalString(read, Input.AwsRegion) ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? '';
  const imageUri = getOptionalString(read, Input.ImageUri);
  const modelPackageArn = getOptionalString(read, Input.ModelPackageArn);
  const changesText = getOptionalString(read, Input.Changes);
  const smokeReport = getOptionalString(read, Input.SmokeReport);
  const url = runUrl(context);
  return {
    target: {
      apiUrl: env['GITHUB_API_URL'] ?? 'https://api.github.com',
      token,
      repository: context.repository,
      pullRequest
    },
    status,
    deployment: {
      outcome: status === 'success' ? 'deployed' : 'failed',
      endpointName,
      stackName: getString(read, Input.StackName, { default: endpointName }),
      region,
      commit: pullRequestHead(env) ?? context.sha,
      ...(imageUri !== undefined && { imageUri }),
      ...(modelPackageArn !== undefined && { modelPackageArn }),
      ...(changesText !== undefined && { changes: parseChanges(Input.Changes, changesText) }),
      ...(url && { runUrl: url })
    },
    ...(smokeReport !== undefined && { smokeReport })
  };
}

function pullRequestNumber(read: InputReader, context: GitHubContext): number {
  const given = getOptionalString(read, Input.PullRequest);
  const number = given === undefined ? context.pullRequestNumber : Number(given);
  if (number === undefined || !Number.isInteger(number) || number <= 0) {
    throw new InputError(
      Input.PullRequest,
      given === undefined
        ? 'is empty and this run is not for a pull request'
        : `'${given}' is not a pull request number`,
      'Run the step on a pull_request event, or pass the number.'
    );
  }
  return number;
}

/** A pull_request run's GITHUB_SHA is the merge commit; the comment names the pull request's own head. */
function pullRequestHead(env: NodeJS.ProcessEnv): string | undefined {
  const path = env['GITHUB_EVENT_PATH'];
  if (!path) return undefined;
  try {
    const payload = JSON.parse(readFileSync(path, 'utf8')) as { pull_request?: { head?: { sha?: unknown } } };
    const sha = payload.pull_request?.head?.sha;
    return typeof sha === 'string' ? sha : undefined;
  } catch {
    return undefined;
  }
}
