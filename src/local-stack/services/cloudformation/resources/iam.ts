import { partitionOf } from '../../../identity/partition.js';
import type {
  CreateOpenIDConnectProviderCommandOutput,
  CreatePolicyCommandOutput,
  CreateRoleCommandOutput,
  ListAttachedRolePoliciesCommandOutput,
  ListRolePoliciesCommandOutput
} from '@aws-sdk/client-iam';
import type { Invoker, OperationOutput } from '../../../wire/invoke.js';
import { sameValue } from '../properties.js';
import { isRecord } from '../template/parse.js';
import { generatePhysicalName } from './names.js';
import { callService } from './service-call.js';
import {
  ResourceFailure,
  type ExistingResourceRequest,
  type ProvisionedResource,
  type ResourceProvider,
  type ResourceRequest
} from './types.js';

const IAM = 'iam';

interface InlinePolicy {
  PolicyName: string;
  PolicyDocument: unknown;
}

/**
 * AWS::IAM::Role, ::Policy, ::ManagedPolicy and ::OIDCProvider, provisioned through IAM's own
 * operations. Names CloudFormation generates follow its pattern: `<stack>-<logicalId>-<12 characters>`.
 */
export function createIamProviders(invoke: Invoker): Record<string, ResourceProvider> {
  const call = <Out extends object = OperationOutput>(
    request: ResourceRequest,
    operation: string,
    input: Record<string, unknown>
  ) => callService<Out>(invoke, request, IAM, operation, input);
  /** Deleting what is already gone succeeds, as CloudFormation's handlers do. */
  const quietly = async (work: Promise<unknown>) => {
    try {
      await work;
    } catch (error) {
      if (!(error instanceof ResourceFailure && /NoSuchEntity/.test(error.message))) throw error;
    }
  };

  const role: ResourceProvider = {
    requiresReplacement: (property) => property === 'RoleName' || property === 'Path',
    nameProperty: 'RoleName',
    attributes: ['Arn', 'RoleId'],
    async create(request) {
      const properties = request.properties;
      const name =
        optionalText(properties['RoleName']) ??
        generatePhysicalName(request.stackName, request.logicalId, 64, 12);
      // Claimed first: a stack killed during the calls below still deletes the role (and its policies).
      request.claim({ physicalId: name, attributes: {} });
      const output = await call<CreateRoleCommandOutput>(request, 'CreateRole', {
        RoleName: name,
        AssumeRolePolicyDocument: documentText(request, 'AssumeRolePolicyDocument'),
        ...pick(properties, ['Path', 'Description', 'MaxSessionDuration', 'PermissionsBoundary', 'Tags'])
      });
      const provisioned = {
        physicalId: name,
        attributes: { Arn: output.Role?.Arn, RoleId: output.Role?.RoleId }
      };
      try {
        await syncRolePolicies(request, name, {}, properties);
      } catch (error) {
        throw new ResourceFailure((error as Error).message, provisioned);
      }
      return provisioned;
    },
    async update(request) {
      const name = request.physicalId;
      if (
        !sameValue(
          request.previousProperties['AssumeRolePolicyDocument'],
          request.properties['AssumeRolePolicyDocument']
        )
      ) {
        await call(request, 'UpdateAssumeRolePolicy', {
          RoleName: name,
          PolicyDocument: documentText(request, 'AssumeRolePolicyDocument')
        });
      }
      if (
        !sameValue(request.previousProperties['Description'], request.properties['Description']) ||
        !sameValue(request.previousProperties['MaxSessionDuration'], request.properties['MaxSessionDuration'])
      ) {
        await call(request, 'UpdateRole', {
          RoleName: name,
          Description: optionalText(request.properties['Description']) ?? '',
          ...pick(request.properties, ['MaxSessionDuration'])
        });
      }
      await syncRolePolicies(request, name, request.previousProperties, request.properties);
      return { physicalId: name, attributes: request.attributes };
    },
    async delete(request) {
      // IAM refuses to delete a role with policies: CloudFormation removes them first.
      const name = request.physicalId;
      await quietly(
        (async () => {
          const attached = await call<ListAttachedRolePoliciesCommandOutput>(
            request,
            'ListAttachedRolePolicies',
            {
              RoleName: name
            }
          );
          for (const policy of attached.AttachedPolicies ?? []) {
            await call(request, 'DetachRolePolicy', { RoleName: name, PolicyArn: policy.PolicyArn });
          }
          const inline = await call<ListRolePoliciesCommandOutput>(request, 'ListRolePolicies', {
            RoleName: name
          });
          for (const policyName of inline.PolicyNames ?? []) {
            await call(request, 'DeleteRolePolicy', { RoleName: name, PolicyName: policyName });
          }
          await call(request, 'DeleteRole', { RoleName: name });
        })()
      );
    }
  };

  /** Puts the role's inline Policies and attaches its ManagedPolicyArns, removing what `before` had. */
  const syncRolePolicies = async (
    request: ResourceRequest,
    roleName: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>
  ) => {
    const oldInline = inlinePolicies(request, before['Policies']);
    const newInline = inlinePolicies(request, after['Policies']);
    for (const policy of newInline) {
      const previous = oldInline.find((old) => old.PolicyName === policy.PolicyName);
      if (previous && sameValue(previous.PolicyDocument, policy.PolicyDocument)) continue;
      await call(request, 'PutRolePolicy', {
        RoleName: roleName,
        PolicyName: policy.PolicyName,
        PolicyDocument: toText(policy.PolicyDocument)
      });
    }
    for (const policy of oldInline.filter(
      (old) => !newInline.some((next) => next.PolicyName === old.PolicyName)
    )) {
      await call(request, 'DeleteRolePolicy', { RoleName: roleName, PolicyName: policy.PolicyName });
    }
    const oldArns = textList(before['ManagedPolicyArns']);
    const newArns = textList(after['ManagedPolicyArns']);
    for (const arn of newArns.filter((arn) => !oldArns.includes(arn))) {
      await call(request, 'AttachRolePolicy', { RoleName: roleName, PolicyArn: arn });
    }
    for (const arn of oldArns.filter((arn) => !newArns.includes(arn))) {
      await quietly(call(request, 'DetachRolePolicy', { RoleName: roleName, PolicyArn: arn }));
    }
  };

  /** AWS::IAM::Policy: one inline policy put on each of its Roles. */
  const policy: ResourceProvider = {
    requiresReplacement: () => false,
    attributes: ['Id'],
    async create(request) {
      const id = generatePhysicalName(request.stackName, request.logicalId, 64, 12);
      request.claim({ physicalId: id, attributes: { Id: id } });
      await putOnRoles(request, textList(request.properties['Roles']));
      return { physicalId: id, attributes: { Id: id } };
    },
    async update(request) {
      const oldRoles = textList(request.previousProperties['Roles']);
      const newRoles = textList(request.properties['Roles']);
      const oldName = String(request.previousProperties['PolicyName']);
      const renamed = oldName !== String(request.properties['PolicyName']);
      for (const roleName of oldRoles.filter((name) => renamed || !newRoles.includes(name))) {
        await quietly(call(request, 'DeleteRolePolicy', { RoleName: roleName, PolicyName: oldName }));
      }
      await putOnRoles(request, newRoles);
      return { physicalId: request.physicalId, attributes: request.attributes };
    },
    async delete(request) {
      for (const roleName of textList(request.properties['Roles'])) {
        await quietly(
          call(request, 'DeleteRolePolicy', {
            RoleName: roleName,
            PolicyName: String(request.properties['PolicyName'])
          })
        );
      }
    }
  };
  const putOnRoles = async (request: ResourceRequest, roles: string[]) => {
    if (request.properties['Users'] !== undefined || request.properties['Groups'] !== undefined) {
      throw new ResourceFailure('The local stack has no IAM users or groups: attach the policy to Roles.');
    }
    for (const roleName of roles) {
      await call(request, 'PutRolePolicy', {
        RoleName: roleName,
        PolicyName: request.properties['PolicyName'],
        PolicyDocument: documentText(request, 'PolicyDocument')
      });
    }
  };

  /** AWS::IAM::ManagedPolicy: Ref is its ARN. The local IAM keeps one version, so a new document replaces it. */
  const managedPolicy: ResourceProvider = {
    requiresReplacement: (property) => !['Roles', 'Users', 'Groups'].includes(property),
    nameProperty: 'ManagedPolicyName',
    attributes: ['PolicyArn', 'PolicyId', 'DefaultVersionId'],
    async create(request) {
      const name =
        optionalText(request.properties['ManagedPolicyName']) ??
        generatePhysicalName(request.stackName, request.logicalId, 128, 12);
      const path = optionalText(request.properties['Path']) ?? '/';
      const { region, accountId } = request.caller;
      request.claim({
        physicalId: `arn:${partitionOf(region)}:iam::${accountId}:policy${path}${name}`,
        attributes: {}
      });
      const output = await call<CreatePolicyCommandOutput>(request, 'CreatePolicy', {
        PolicyName: name,
        PolicyDocument: documentText(request, 'PolicyDocument'),
        ...pick(request.properties, ['Path', 'Description'])
      });
      const arn = String(output.Policy?.Arn);
      const provisioned = {
        physicalId: arn,
        attributes: { PolicyArn: arn, PolicyId: output.Policy?.PolicyId, DefaultVersionId: 'v1' }
      };
      try {
        for (const roleName of textList(request.properties['Roles'])) {
          await call(request, 'AttachRolePolicy', { RoleName: roleName, PolicyArn: arn });
        }
      } catch (error) {
        throw new ResourceFailure((error as Error).message, provisioned);
      }
      return provisioned;
    },
    async update(request) {
      const oldRoles = textList(request.previousProperties['Roles']);
      const newRoles = textList(request.properties['Roles']);
      for (const roleName of newRoles.filter((name) => !oldRoles.includes(name))) {
        await call(request, 'AttachRolePolicy', { RoleName: roleName, PolicyArn: request.physicalId });
      }
      for (const roleName of oldRoles.filter((name) => !newRoles.includes(name))) {
        await quietly(
          call(request, 'DetachRolePolicy', { RoleName: roleName, PolicyArn: request.physicalId })
        );
      }
      return { physicalId: request.physicalId, attributes: request.attributes };
    },
    async delete(request) {
      for (const roleName of textList(request.properties['Roles'])) {
        await quietly(
          call(request, 'DetachRolePolicy', { RoleName: roleName, PolicyArn: request.physicalId })
        );
      }
      await quietly(call(request, 'DeletePolicy', { PolicyArn: request.physicalId }));
    }
  };

  const registerProvider = async (request: ResourceRequest): Promise<ProvisionedResource> => {
    const output = await call<CreateOpenIDConnectProviderCommandOutput>(
      request,
      'CreateOpenIDConnectProvider',
      {
        Url: request.properties['Url'],
        ClientIDList: textList(request.properties['ClientIdList']),
        ThumbprintList: textList(request.properties['ThumbprintList']),
        ...pick(request.properties, ['Tags'])
      }
    );
    const arn = String(output.OpenIDConnectProviderArn);
    return { physicalId: arn, attributes: { Arn: arn } };
  };

  /** AWS::IAM::OIDCProvider: Ref and Arn are its ARN; a changed client or thumbprint list is set in place. */
  const oidcProvider: ResourceProvider = {
    requiresReplacement: (property) => property === 'Url',
    attributes: ['Arn'],
    create: (request) => registerProvider(request),
    async update(request) {
      // The local IAM has no per-list updates: the provider is registered again under the same ARN.
      await call(request, 'DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: request.physicalId });
      return registerProvider(request);
    },
    async delete(request) {
      await quietly(
        call(request, 'DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: request.physicalId })
      );
    }
  };

  return {
    'AWS::IAM::Role': role,
    'AWS::IAM::Policy': policy,
    'AWS::IAM::ManagedPolicy': managedPolicy,
    'AWS::IAM::OIDCProvider': oidcProvider
  };
}

/** Policy documents are JSON objects in templates (or JSON text); IAM takes text. */
function documentText(request: ResourceRequest | ExistingResourceRequest, property: string): string {
  const value = request.properties[property];
  if (value === undefined) {
    throw new ResourceFailure(`Property ${property} of ${request.logicalId} (${request.type}) is required.`);
  }
  return toText(value);
}

function toText(document: unknown): string {
  return typeof document === 'string' ? document : JSON.stringify(document);
}

function inlinePolicies(request: ResourceRequest, value: unknown): InlinePolicy[] {
  if (value === undefined) return [];
  if (
    !Array.isArray(value) ||
    !value.every((item) => isRecord(item) && typeof item['PolicyName'] === 'string')
  ) {
    throw new ResourceFailure(
      `Policies of ${request.logicalId} must be a list of { PolicyName, PolicyDocument }.`
    );
  }
  return value as InlinePolicy[];
}

function textList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function pick(properties: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(
    names.filter((name) => properties[name] !== undefined).map((name) => [name, properties[name]])
  );
}
