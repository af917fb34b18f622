import type {
  AttachRolePolicyCommandInput,
  AttachRolePolicyCommandOutput,
  CreatePolicyCommandInput,
  CreatePolicyCommandOutput,
  DeletePolicyCommandInput,
  DeletePolicyCommandOutput,
  DetachRolePolicyCommandInput,
  DetachRolePolicyCommandOutput,
  GetPolicyCommandInput,
  GetPolicyCommandOutput,
  GetPolicyVersionCommandInput,
  GetPolicyVersionCommandOutput,
  ListAttachedRolePoliciesCommandInput,
  ListAttachedRolePoliciesCommandOutput
} from '@aws-sdk/client-iam';
import { partitionOf } from '../../identity/partition.js';
import { parsePolicyDocument } from '../../identity/policy.js';
import { awsId } from '../../identity/sessions.js';
import { defineOperations, type OperationTable, type RequestContext } from '../../wire/types.js';
import { requireRole } from './roles.js';
import { isAwsManaged, type IamStore, type ManagedPolicyRecord } from './store.js';
import {
  checkName,
  checkPath,
  deleteConflict,
  encodeDocument,
  entityAlreadyExists,
  invalidInput,
  noSuchEntity,
  optionalString,
  optionalTags,
  page,
  requiredString
} from './validation.js';

type ManagedPolicyOperations = {
  CreatePolicy: [CreatePolicyCommandInput, CreatePolicyCommandOutput];
  GetPolicy: [GetPolicyCommandInput, GetPolicyCommandOutput];
  GetPolicyVersion: [GetPolicyVersionCommandInput, GetPolicyVersionCommandOutput];
  DeletePolicy: [DeletePolicyCommandInput, DeletePolicyCommandOutput];
  AttachRolePolicy: [AttachRolePolicyCommandInput, AttachRolePolicyCommandOutput];
  DetachRolePolicy: [DetachRolePolicyCommandInput, DetachRolePolicyCommandOutput];
  ListAttachedRolePolicies: [ListAttachedRolePoliciesCommandInput, ListAttachedRolePoliciesCommandOutput];
};

/** Customer managed policies (one version each) and their attachment to roles. */
export function managedPolicyOperations(store: IamStore): OperationTable {
  const requirePolicy = (context: RequestContext, arn: string): ManagedPolicyRecord => {
    const policy = store.policyByArn(arn);
    if (!policy || !arn.includes(`::${context.accountId}:`)) {
      throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    }
    return policy;
  };
  const view = (context: RequestContext, policy: ManagedPolicyRecord) => ({
    PolicyName: policy.PolicyName,
    PolicyId: policy.PolicyId,
    Arn: policy.Arn,
    Path: policy.Path,
    DefaultVersionId: 'v1',
    AttachmentCount: store.attachmentCount(context.accountId, policy.Arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: policy.Description,
    CreateDate: policy.CreateDate,
    UpdateDate: policy.UpdateDate,
    Tags: policy.Tags.length > 0 ? policy.Tags : undefined
  });

  return defineOperations<ManagedPolicyOperations>({
    CreatePolicy: (input, context) => {
      const name = checkName(requiredString(input, 'PolicyName'), 'PolicyName', 128);
      const path = checkPath(input);
      const document = requiredString(input, 'PolicyDocument');
      parsePolicyDocument(document, 'identity');
      const arn = `arn:${partitionOf(context.region)}:iam::${context.accountId}:policy${path}${name}`;
      const policies = store.account(context.accountId).policies;
      if (Object.values(policies).some((policy) => policy.PolicyName.toLowerCase() === name.toLowerCase())) {
        throw entityAlreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
      }
      const now = new Date();
      const description = optionalString(input, 'Description');
      const policy: ManagedPolicyRecord = {
        PolicyName: name,
        PolicyId: awsId('ANPA', 17),
        Arn: arn,
        Path: path,
        ...(description !== undefined && { Description: description }),
        CreateDate: now,
        UpdateDate: now,
        Tags: optionalTags(input),
        document
      };
      policies[arn] = policy;
      store.save();
      return { Policy: { ...view(context, policy), Description: undefined } };
    },

    GetPolicy: (input, context) => ({
      Policy: view(context, requirePolicy(context, requiredString(input, 'PolicyArn')))
    }),

    GetPolicyVersion: (input, context) => {
      const policy = requirePolicy(context, requiredString(input, 'PolicyArn'));
      const versionId = requiredString(input, 'VersionId');
      if (versionId !== 'v1') {
        throw noSuchEntity(`Policy ${policy.Arn} version ${versionId} does not exist or is not attachable.`);
      }
      return {
        PolicyVersion: {
          Document: encodeDocument(policy.document),
          VersionId: 'v1',
          IsDefaultVersion: true,
          CreateDate: policy.CreateDate
        }
      };
    },

    DeletePolicy: (input, context) => {
      const policy = requirePolicy(context, requiredString(input, 'PolicyArn'));
      if (store.attachmentCount(context.accountId, policy.Arn) > 0) {
        throw deleteConflict('Cannot delete a policy attached to entities.');
      }
      delete store.account(context.accountId).policies[policy.Arn];
      store.save();
      return {};
    },

    AttachRolePolicy: (input, context) => {
      const role = requireRole(store, context, requiredString(input, 'RoleName'));
      const arn = requiredString(input, 'PolicyArn');
      if (!/^arn:[\w-]+:iam::(\d{12}|aws):policy\//.test(arn)) throw invalidInput(`ARN ${arn} is not valid.`);
      if (!isAwsManaged(arn)) requirePolicy(context, arn);
      if (!role.attachedPolicies.includes(arn)) role.attachedPolicies.push(arn);
      store.save();
      return {};
    },

    DetachRolePolicy: (input, context) => {
      const role = requireRole(store, context, requiredString(input, 'RoleName'));
      const arn = requiredString(input, 'PolicyArn');
      if (!role.attachedPolicies.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
      role.attachedPolicies = role.attachedPolicies.filter((attached) => attached !== arn);
      store.save();
      return {};
    },

    ListAttachedRolePolicies: (input, context) => {
      const role = requireRole(store, context, requiredString(input, 'RoleName'));
      const prefix = optionalString(input, 'PathPrefix') ?? '/';
      const attached = role.attachedPolicies
        .map((arn) => ({ arn, path: store.policyByArn(arn)?.Path ?? '/' }))
        .filter(({ path }) => path.startsWith(prefix))
        .map(({ arn }) => ({ PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn }));
      const { items, ...paging } = page(attached, input);
      return { AttachedPolicies: items, ...paging };
    }
  });
}
