import { execFileSync } from 'node:child_process';
import type { Credentials } from '@aws-sdk/client-sts';
import type { StandIn } from './actions.js';
import type { StepOutputSink } from './commands.js';
import type { JobContext } from './context.js';
import type { Trigger } from './events.js';

export interface Execution {
  outcome: 'success' | 'failure';
  outputs: Record<string, string>;
  note?: string;
}

export interface RoleRequest {
  roleArn: string;
  region: string;
  sessionName: string;
  audience: string;
}

/** How `aws-actions/configure-aws-credentials` gets credentials for a target (the local stack or AWS). */
export interface CredentialsProvider {
  /** Variables steps get so `core.getIDToken()` works (empty when the target has no token issuer). */
  stepEnvironment(job: JobContext): Record<string, string>;
  /** Credentials of the role, or undefined to keep the job's credentials (said in the log). */
  assumeRole(
    job: JobContext,
    request: RoleRequest,
    log: (text: string) => void
  ): Promise<Credentials | undefined>;
}

/** The `sub` claim GitHub puts in a job's OIDC token. */
export function oidcSubject(job: JobContext): string {
  const { repository, eventName, ref } = job.run.trigger;
  if (job.environment) return `repo:${repository}:environment:${job.environment}`;
  if (eventName === 'pull_request') return `repo:${repository}:pull_request`;
  return `repo:${repository}:ref:${ref}`;
}

/** Whether a pull request comes from a fork: GitHub gives such runs no secrets and no OIDC token. */
export function isForkPullRequest(trigger: Trigger): boolean {
  const head = trigger.payload.pull_request?.head?.repo?.full_name;
  return trigger.eventName === 'pull_request' && head !== undefined && head !== trigger.repository;
}

/** Why GitHub would give the job no OIDC token, if it would not. */
function tokenRefusal(job: JobContext): string | undefined {
  const { trigger } = job.run;
  if (isForkPullRequest(trigger))
    return (
      `this run is a pull request from the fork ${trigger.payload.pull_request?.head?.repo?.full_name ?? ''}, ` +
      `and GitHub gives such runs no OIDC token ('id-token: write' is not honoured), so no AWS role can be ` +
      'assumed: deploy pull requests from branches of this repository, or skip AWS steps for forks.'
    );
  if (!job.idToken)
    return "the job may not request an OIDC token: give it (or the workflow) 'permissions: id-token: write'.";
  return undefined;
}

/** What aws-actions/configure-aws-credentials (v4) prints when the runner gives it no OIDC token. */
export const NO_TOKEN_HINT =
  'It looks like you might be trying to authenticate with OIDC. Did you mean to set the `id-token` permission? ' +
  'If you are not trying to authenticate with OIDC and the action is working successfully, you can ignore this message.';
export const NO_CREDENTIALS_ERROR =
  'Credentials could not be loaded, please check your action inputs: Could not load credentials from any providers';

/** The local stack: tokens from its OIDC issuer (GitHub's claims), roles through its STS. */
export function localStackCredentials(endpoint: string): CredentialsProvider {
  const tokenQuery = (job: JobContext) =>
    new URLSearchParams({
      repository: job.run.trigger.repository,
      subject: oidcSubject(job),
      ref: job.run.trigger.ref,
      ...(job.environment && { environment: job.environment })
    });
  return {
    stepEnvironment: (job) =>
      tokenRefusal(job) === undefined
        ? {
            ACTIONS_ID_TOKEN_REQUEST_URL: `${endpoint}/_modelship/oidc/token?${tokenQuery(job).toString()}`,
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'local'
          }
        : {},
    async assumeRole(job, request, log) {
      const query = tokenQuery(job);
      query.set('audience', request.audience);
      const response = await fetch(`${endpoint}/_modelship/oidc/token?${query.toString()}`);
      if (response.status === 404) {
        log(
          'Warning: this local stack has no OIDC issuer yet, so the role is not assumed: the job keeps the ' +
            "stack's own credentials and the role's trust policy is not checked."
        );
        return undefined;
      }
      if (!response.ok)
        throw new Error(`The local OIDC issuer refused a token: ${response.status} ${await response.text()}`);
      const { value } = (await response.json()) as { value: string };
      job.run.masker.add(value);
      // The AWS SDK is loaded only by runs that assume a role, not at every run's start.
      const { ensureLocalRole } = await import('./local-roles.js');
      const { AssumeRoleWithWebIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
      const created = await ensureLocalRole(
        endpoint,
        request.region,
        request.roleArn,
        job.run.trigger.repository,
        job.run.sources.packageRoot
      );
      if (created.length > 0)
        log(
          `The role ${request.roleArn} was missing; applied on the local stack, as done once on AWS: ${created.join(' and ')}.`
        );
      const sts = new STSClient({ region: request.region, endpoint });
      const answer = await sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: request.roleArn,
          RoleSessionName: request.sessionName,
          WebIdentityToken: value
        })
      );
      return answer.Credentials;
    }
  };
}

/** AWS itself: the caller's credentials assume the role (no GitHub token exists off GitHub). */
export function awsCredentials(): CredentialsProvider {
  return {
    stepEnvironment: () => ({}),
    async assumeRole(_job, request) {
      const { AssumeRoleCommand, STSClient } = await import('@aws-sdk/client-sts');
      const answer = await new STSClient({ region: request.region }).send(
        new AssumeRoleCommand({ RoleArn: request.roleArn, RoleSessionName: request.sessionName })
      );
      return answer.Credentials;
    }
  };
}

async function configureAwsCredentials(
  job: JobContext,
  inputs: Record<string, string>,
  sink: StepOutputSink
): Promise<Execution> {
  const region = inputs['aws-region'] ?? '';
  if (region === '')
    throw new Error("aws-actions/configure-aws-credentials: input 'aws-region' is required.");
  const roleArn = inputs['role-to-assume'] ?? '';
  if (roleArn === '')
    throw new Error(
      "aws-actions/configure-aws-credentials: the stand-in needs 'role-to-assume' (OIDC role assumption)."
    );
  sink.line(`modelship stand-in for aws-actions/configure-aws-credentials: assuming ${roleArn} in ${region}`);
  const refusal = tokenRefusal(job);
  if (refusal) {
    // As the real action fails without a token (and no credentials: the runner has none on GitHub).
    sink.line(NO_TOKEN_HINT);
    sink.annotation({ level: 'notice', message: `No OIDC token on GitHub: ${refusal}`, where: '' });
    throw new Error(NO_CREDENTIALS_ERROR);
  }
  const credentials = await job.run.credentials.assumeRole(
    job,
    {
      roleArn,
      region,
      sessionName: inputs['role-session-name'] || 'GitHubActions',
      audience: inputs['audience'] || 'sts.amazonaws.com'
    },
    (text) => sink.line(text)
  );
  Object.assign(job.env, { AWS_REGION: region, AWS_DEFAULT_REGION: region });
  if (!credentials) return { outcome: 'success', outputs: {} };
  const { AccessKeyId, SecretAccessKey, SessionToken } = credentials;
  if (!AccessKeyId || !SecretAccessKey || !SessionToken)
    throw new Error('STS returned incomplete credentials.');
  for (const secret of [AccessKeyId, SecretAccessKey, SessionToken]) job.run.masker.add(secret);
  Object.assign(job.env, {
    AWS_ACCESS_KEY_ID: AccessKeyId,
    AWS_SECRET_ACCESS_KEY: SecretAccessKey,
    AWS_SESSION_TOKEN: SessionToken
  });
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1];
  sink.line(`Assumed ${roleArn}; AWS_* credentials set for the rest of the job.`);
  return { outcome: 'success', outputs: account ? { 'aws-account-id': account } : {} };
}

function git(workspace: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: workspace,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).trim();
  } catch {
    return undefined;
  }
}

function checkout(job: JobContext, sink: StepOutputSink): Execution {
  const { workspace } = job.run.sources;
  const { sha } = job.run.trigger;
  sink.line(`modelship stand-in for actions/checkout: the working tree ${workspace} is used as it is.`);
  const head = git(workspace, ['rev-parse', 'HEAD']);
  if (head === undefined) {
    sink.annotation({ level: 'warning', message: `${workspace} is not a git repository.`, where: '' });
    return { outcome: 'success', outputs: {} };
  }
  if (head !== sha)
    sink.annotation({
      level: 'warning',
      message: `HEAD is ${head.slice(0, 12)}, not the event's commit ${sha.slice(0, 12)}: the run builds what is checked out.`,
      where: ''
    });
  const dirty = git(workspace, ['status', '--porcelain', '--untracked-files=no']);
  if (dirty)
    sink.annotation({
      level: 'warning',
      message: `Tracked files have uncommitted changes, which the run uses: ${dirty
        .split('\n')
        .map((line) => line.slice(3))
        .join(', ')}`,
      where: ''
    });
  return { outcome: 'success', outputs: { ref: job.run.trigger.ref, commit: head } };
}

export async function runStandIn(
  name: StandIn,
  job: JobContext,
  inputs: Record<string, string>,
  sink: StepOutputSink
): Promise<Execution> {
  return name === 'checkout' ? checkout(job, sink) : configureAwsCredentials(job, inputs, sink);
}
