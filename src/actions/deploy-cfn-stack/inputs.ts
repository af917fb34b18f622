import type { Capability, OnStackFailure } from '@aws-sdk/client-cloudformation';
import { InputError } from '../../lib/errors.js';
import type { GitHubContext } from '../../lib/github-context.js';
import {
  getBoolean,
  getEnum,
  getList,
  getNumber,
  getOptionalString,
  getString,
  type InputReader
} from '../../lib/inputs.js';
import { parseParameters } from './parameters.js';
import { lineageTags, mergeTags, parseTags } from './tags.js';
import { readTemplate } from './template.js';
import type { TeardownRequest } from './teardown.js';
import type { DeployRequest } from './types.js';

export const Input = {
  StackName: 'stack-name',
  Template: 'template',
  Parameters: 'parameters',
  Capabilities: 'capabilities',
  Tags: 'tags',
  RoleArn: 'role-arn',
  TerminationProtection: 'termination-protection',
  TimeoutInMinutes: 'timeout-in-minutes',
  OnFailure: 'on-failure',
  NotificationArns: 'notification-arns',
  TemplateBucket: 'template-bucket',
  WaitForEndpoints: 'wait-for-endpoints',
  RecreateFailedStack: 'recreate-failed-stack',
  Delete: 'delete',
  AwsRegion: 'aws-region'
} as const;

export const Output = {
  Outputs: 'outputs',
  StackId: 'stack-id',
  StackStatus: 'stack-status',
  ChangeSetId: 'change-set-id',
  NoChanges: 'no-changes',
  Changes: 'changes'
} as const;

export type Inputs =
  | { mode: 'deploy'; region: string | undefined; request: DeployRequest }
  | { mode: 'delete'; region: string | undefined; request: TeardownRequest };

export interface InputEnvironment {
  context: GitHubContext;
  /** action-templates/cloudformation shipped next to the action. */
  shippedTemplatesDir: string;
  now: number;
}

const CAPABILITIES: readonly Capability[] = [
  'CAPABILITY_IAM',
  'CAPABILITY_NAMED_IAM',
  'CAPABILITY_AUTO_EXPAND'
];
const ON_FAILURE: readonly OnStackFailure[] = ['ROLLBACK', 'DELETE', 'DO_NOTHING'];
/** CloudFormation's rule for stack names. */
const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseInputs(read: InputReader, environment: InputEnvironment): Inputs {
  const stackName = parseStackName(getString(read, Input.StackName, { required: true }));
  const region = getOptionalString(read, Input.AwsRegion);
  const roleArn = parseRoleArn(getOptionalString(read, Input.RoleArn));
  const timeoutMinutes = getNumber(read, Input.TimeoutInMinutes, undefined, { min: 1, integer: true });
  const common = {
    stackName,
    ...(roleArn !== undefined && { roleArn }),
    ...(timeoutMinutes !== undefined && { timeoutMinutes })
  };
  if (getBoolean(read, Input.Delete, false)) return { mode: 'delete', region, request: common };

  const { context } = environment;
  const template = readTemplate(getString(read, Input.Template, { required: true }), {
    workspace: context.workspace,
    shippedDir: environment.shippedTemplatesDir
  });
  const terminationProtection =
    read(Input.TerminationProtection).trim() === ''
      ? undefined
      : getBoolean(read, Input.TerminationProtection, false);
  const templateBucket = parseBucket(getOptionalString(read, Input.TemplateBucket));
  const request: DeployRequest = {
    ...common,
    template,
    parameters: parseParameters(read(Input.Parameters), context.workspace),
    capabilities: getList(read, Input.Capabilities).map(parseCapability),
    tags: mergeTags(lineageTags(context), parseTags(read(Input.Tags))),
    notificationArns: parseNotificationArns(getList(read, Input.NotificationArns)),
    onFailure: getEnum(read, Input.OnFailure, ON_FAILURE, 'ROLLBACK'),
    recreateFailedStack: getBoolean(read, Input.RecreateFailedStack, false),
    waitForEndpoints: getBoolean(read, Input.WaitForEndpoints, false),
    changeSetName: changeSetName(context, environment.now),
    description: changeSetDescription(context),
    ...(terminationProtection !== undefined && { terminationProtection }),
    ...(templateBucket !== undefined && { templateBucket })
  };
  return { mode: 'deploy', region, request };
}

export function parseStackName(name: string): string {
  if (name.length > 128 || !STACK_NAME.test(name)) {
    throw new InputError(
      Input.StackName,
      `'${name}' is not a valid stack name`,
      'A stack name has letters, digits and hyphens only, starts with a letter and has at most 128 characters.'
    );
  }
  return name;
}

function parseRoleArn(value: string | undefined): string | undefined {
  if (value !== undefined && !ROLE_ARN.test(value)) {
    throw new InputError(
      Input.RoleArn,
      `'${value}' is not an IAM role ARN`,
      'Use arn:aws:iam::<account>:role/<name>.'
    );
  }
  return value;
}

function parseCapability(value: string): Capability {
  const match = CAPABILITIES.find((capability) => capability === value.toUpperCase());
  if (match === undefined) {
    throw new InputError(
      Input.Capabilities,
      `'${value}' is not a CloudFormation capability`,
      `Use any of: ${CAPABILITIES.join(', ')}.`
    );
  }
  return match;
}

function parseNotificationArns(values: string[]): string[] {
  if (values.length > 5) {
    throw new InputError(
      Input.NotificationArns,
      `${values.length} topics were given`,
      'CloudFormation accepts at most 5.'
    );
  }
  for (const value of values) {
    if (!SNS_ARN.test(value)) {
      throw new InputError(
        Input.NotificationArns,
        `'${value}' is not an SNS topic ARN`,
        'Use arn:aws:sns:<region>:<account>:<topic>.'
      );
    }
  }
  return values;
}

function parseBucket(value: string | undefined): string | undefined {
  if (value !== undefined && !BUCKET.test(value)) {
    throw new InputError(
      Input.TemplateBucket,
      `'${value}' is not an S3 bucket name`,
      'Give the bucket name only, without s3:// or a path.'
    );
  }
  return value;
}

/** Unique per run and readable in the console: the commit it deploys and when. */
export function changeSetName(context: GitHubContext, now: number): string {
  const commit = /^[0-9a-f]{7,}$/i.test(context.sha) ? `-${context.sha.slice(0, 12)}` : '';
  return `modelship${commit}-${now.toString(36)}`;
}

function changeSetDescription(context: GitHubContext): string {
  const source = context.repository && context.sha ? ` of ${context.repository}@${context.sha}` : '';
  const run = context.runId ? ` (run ${context.runId}, attempt ${context.runAttempt})` : '';
  return `modelship deploy-cfn-stack${source}${run}`.slice(0, 1024);
}
