import { randomUUID } from 'node:crypto';
import type { UpdateStackCommandInput } from '@aws-sdk/client-cloudformation';
import type { CallerContext } from '../../../wire/invoke.js';
import type { RequestContext, WireInput } from '../../../wire/types.js';
import type { Deployments } from '../deploy.js';
import type { StackExports } from '../exports.js';
import { validationError } from '../errors.js';
import { UPDATABLE_STATUSES, type StackConfiguration, type StackRecord } from '../model.js';
import type { ResourceProvider } from '../resources/types.js';
import type { StackStore } from '../store.js';
import { loadTemplate, type LoadedTemplate } from '../template/load.js';
import { resolveParameters } from '../template/parameters.js';
import {
  booleanInput,
  checkCapabilities,
  stringListInput,
  optionalString,
  parametersInput,
  tagsInput,
  templateBodyInput
} from './inputs.js';

/** What every CloudFormation operation works with. */
export interface CloudFormationRuntime {
  store: StackStore;
  exports: StackExports;
  deployments: Deployments;
  providers: Record<string, ResourceProvider>;
}

export const callerOf = ({ requestId: _requestId, ...caller }: RequestContext): CallerContext => caller;

/**
 * The template and configuration a create, update or change set deploys, validated as CloudFormation
 * validates them before accepting the request. `previous` supplies UsePreviousTemplate, UsePreviousValue,
 * and the tags, notification ARNs and role the request leaves out.
 */
export function prepareTarget(
  runtime: CloudFormationRuntime,
  input: WireInput<UpdateStackCommandInput>,
  previous: StackRecord | undefined
): { loaded: LoadedTemplate; configuration: StackConfiguration } {
  let body = templateBodyInput(input);
  if (body === undefined && booleanInput(input, 'UsePreviousTemplate') === true) {
    if (!previous || previous.templateBody === '') {
      throw validationError('UsePreviousTemplate can only be used when the stack has a template.');
    }
    body = previous.templateBody;
  }
  if (body === undefined) throw validationError('Either Template URL or Template Body must be specified.');
  const loaded = loadTemplate(body);
  checkAttributeReferences(loaded, runtime.providers);
  refuseSnapshots(loaded);
  const parameters = resolveParameters(
    loaded.template.Parameters,
    parametersInput(input),
    previous?.parameters
  );
  const capabilities = stringListInput(input, 'Capabilities');
  checkCapabilities(loaded.template, capabilities);
  const roleARN = optionalString(input, 'RoleARN') ?? previous?.roleARN;
  return {
    loaded,
    configuration: {
      templateBody: body,
      parameters,
      capabilities,
      tags: input.Tags !== undefined ? tagsInput(input) : (previous?.tags ?? []),
      notificationARNs:
        input.NotificationARNs !== undefined
          ? stringListInput(input, 'NotificationARNs')
          : (previous?.notificationARNs ?? []),
      ...(roleARN !== undefined && { roleARN })
    }
  };
}

/** Fn::GetAtt of an attribute the resource type does not have is a template error, found before deploying. */
function checkAttributeReferences(loaded: LoadedTemplate, providers: Record<string, ResourceProvider>): void {
  for (const [logicalId, attributes] of loaded.attributes) {
    const provider = providers[loaded.template.Resources[logicalId]!.Type];
    const unknown = [...attributes].find((attribute) => provider && !provider.attributes.includes(attribute));
    if (unknown !== undefined) {
      throw validationError(
        `Template error: resource ${logicalId} does not support attribute type ${unknown} in Fn::GetAtt`
      );
    }
  }
}

/** No resource type the local stack provisions can be snapshotted (nor can SageMaker's on AWS). */
function refuseSnapshots(loaded: LoadedTemplate): void {
  for (const [logicalId, resource] of Object.entries(loaded.template.Resources)) {
    if (resource.DeletionPolicy === 'Snapshot' || resource.UpdateReplacePolicy === 'Snapshot') {
      throw validationError(
        `Template error: resource ${logicalId} (${resource.Type}) does not support the Snapshot policy; use Delete or Retain.`
      );
    }
  }
}

export function newStack(
  context: RequestContext,
  stackName: string,
  configuration: StackConfiguration
): StackRecord {
  return {
    ...configuration,
    stackId: `arn:aws:cloudformation:${context.region}:${context.accountId}:stack/${stackName}/${randomUUID()}`,
    stackName,
    region: context.region,
    accountId: context.accountId,
    status: 'REVIEW_IN_PROGRESS',
    creationTime: new Date(),
    disableRollback: false,
    terminationProtection: false,
    outputs: [],
    resources: {},
    events: []
  };
}

/** Starts a stack operation: its first stack event, tagged like all of its events with the request's token. */
export function beginOperation(
  runtime: CloudFormationRuntime,
  stack: StackRecord,
  status: string,
  input: WireInput<{ ClientRequestToken: string }>
): void {
  const token = optionalString(input, 'ClientRequestToken');
  if (token === undefined) delete stack.clientRequestToken;
  else stack.clientRequestToken = token;
  runtime.deployments.setStatus(stack, status, 'User Initiated');
}

/** CloudFormation's refusal to update a stack that is busy or in a state updates cannot start from. */
export function requireUpdatable(stack: StackRecord): void {
  if (UPDATABLE_STATUSES.has(stack.status)) return;
  throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
}
