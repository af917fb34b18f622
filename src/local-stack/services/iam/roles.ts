import type {
  CreateRoleCommandInput,
  CreateRoleCommandOutput,
  DeleteRoleCommandInput,
  DeleteRoleCommandOutput,
  DeleteRolePolicyCommandInput,
  DeleteRolePolicyCommandOutput,
  GetRoleCommandInput,
  GetRoleCommandOutput,
  GetRolePolicyCommandInput,
  GetRolePolicyCommandOutput,
  ListRolePoliciesCommandInput,
  ListRolePoliciesCommandOutput,
  ListRolesCommandInput,
  ListRolesCommandOutput,
  PutRolePolicyCommandInput,
  PutRolePolicyCommandOutput,
  UpdateAssumeRolePolicyCommandInput,
  UpdateAssumeRolePolicyCommandOutput,
  UpdateRoleCommandInput,
  UpdateRoleCommandOutput
} from '@aws-sdk/client-iam';
import { partitionOf } from '../../identity/partition.js';
import { parsePolicyDocument } from '../../identity/policy.js';
import { awsId } from '../../identity/sessions.js';
import { defineOperations, wireText, type OperationTable, type RequestContext } from '../../wire/types.js';
import type { IamStore, RoleRecord } from './store.js';
import {
  checkName,
  checkPath,
  deleteConflict,
  encodeDocument,
  entityAlreadyExists,
  noSuchEntity,
  optionalString,
  optionalTags,
  page,
  requiredString,
  validationError
} from './validation.js';

/** IAM's answer shape for a role; the trust policy URL-encoded, as IAM sends it. */
export function roleView(role: RoleRecord) {
  return {
    Path: role.Path,
    RoleName: role.RoleName,
    RoleId: role.RoleId,
    Arn: role.Arn,
    CreateDate: role.CreateDate,
    AssumeRolePolicyDocument: encodeDocument(role.AssumeRolePolicyDocument),
    Description: role.Description,
    MaxSessionDuration: role.MaxSessionDuration,
    Tags: role.Tags.length > 0 ? role.Tags : undefined
  };
}

export function requireRole(store: IamStore, context: RequestContext, name: string): RoleRecord {
  const role = store.role(context.accountId, name);
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

type RoleOperations = {
  CreateRole: [CreateRoleCommandInput, CreateRoleCommandOutput];
  GetRole: [GetRoleCommandInput, GetRoleCommandOutput];
  ListRoles: [ListRolesCommandInput, ListRolesCommandOutput];
  DeleteRole: [DeleteRoleCommandInput, DeleteRoleCommandOutput];
  UpdateRole: [UpdateRoleCommandInput, UpdateRoleCommandOutput];
  UpdateAssumeRolePolicy: [UpdateAssumeRolePolicyCommandInput, UpdateAssumeRolePolicyCommandOutput];
  PutRolePolicy: [PutRolePolicyCommandInput, PutRolePolicyCommandOutput];
  GetRolePolicy: [GetRolePolicyCommandInput, GetRolePolicyCommandOutput];
  DeleteRolePolicy: [DeleteRolePolicyCommandInput, DeleteRolePolicyCommandOutput];
  ListRolePolicies: [ListRolePoliciesCommandInput, ListRolePoliciesCommandOutput];
};

/** Roles and their inline policies. */
export function roleOperations(store: IamStore): OperationTable {
  return defineOperations<RoleOperations>({
    CreateRole: (input, context) => {
      const name = checkName(requiredString(input, 'RoleName'), 'RoleName', 64);
      const path = checkPath(input);
      const trust = requiredString(input, 'AssumeRolePolicyDocument');
      parsePolicyDocument(trust, 'trust');
      const maxSessionDuration = sessionDuration(input.MaxSessionDuration);
      const roles = store.account(context.accountId).roles;
      if (roles[name.toLowerCase()]) throw entityAlreadyExists(`Role with name ${name} already exists.`);
      const description = optionalString(input, 'Description');
      const role: RoleRecord = {
        RoleName: name,
        RoleId: awsId('AROA', 17),
        Arn: `arn:${partitionOf(context.region)}:iam::${context.accountId}:role${path}${name}`,
        Path: path,
        CreateDate: new Date(),
        AssumeRolePolicyDocument: trust,
        ...(description !== undefined && { Description: description }),
        MaxSessionDuration: maxSessionDuration,
        Tags: optionalTags(input),
        inlinePolicies: {},
        attachedPolicies: []
      };
      roles[name.toLowerCase()] = role;
      store.save();
      return { Role: roleView(role) };
    },

    GetRole: (input, context) => ({
      Role: roleView(requireRole(store, context, requiredString(input, 'RoleName')))
    }),

    ListRoles: (input, context) => {
      const prefix = optionalString(input, 'PathPrefix') ?? '/';
      const roles = Object.values(store.account(context.accountId).roles)
        .filter((role) => role.Path.startsWith(prefix))
        .sort((a, b) => a.RoleName.localeCompare(b.RoleName));
      const { items, ...paging } = page(roles, input);
      return { Roles: items.map((role) => ({ ...roleView(role), Tags: undefined })), ...paging };
    },

    DeleteRole: (input, context) => {
      const role = requireRole(store, context, requiredString(input, 'RoleName'));
      if (Object.keys(role.inlinePolicies).length > 0) {
        throw deleteConflict('Cannot delete entity, must delete policies first.');
      }
      if (role.attachedPolicies.length > 0) {
        throw deleteConflict('Cannot delete entity, must detach all policies first.');
      }
      delete store.account(context.accountId).roles[role.RoleName.toLowerCase()];
      store.save();
      return {};
    },

    UpdateRole: (input, context) => {
      const role = requireRole(store, context, requiredString(input, 'RoleName'));
      const description = optionalString(input, 'Description');
      if (description !== undefined) role.Description = description;
      if (input.MaxSessionDuration !== undefined) {
        role.MaxSessionDuration = sessionDuration(input.MaxSessionDuration);
      }
      store.save();
      return {};
    },

    UpdateAssumeRolePolicy: (input, context) => {
      const role = requireRole(store, context, requiredString(input, 'RoleName'));
      const trust = requiredString(input, 'PolicyDocument');
      parsePolicyDocument(trust, 'trust');
      role.AssumeRolePolicyDocument = trust;
      store.save();
      return {};
    },

    PutRolePolicy: (input, context) => {
      const role = requireRole(store, context, requiredString(input, 'RoleName'));
      const name = checkName(requiredString(input, 'PolicyName'), 'PolicyName', 128);
      const document = requiredString(input, 'PolicyDocument');
      parsePolicyDocument(document, 'identity');
      role.inlinePolicies[name] = document;
      store.save();
      return {};
    },

    GetRolePolicy: (input, context) => {
      const role = requireRole(store, context, requiredString(input, 'RoleName'));
      const name = requiredString(input, 'PolicyName');
      const document = role.inlinePolicies[name];
      if (document === undefined) {
        throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
      }
      return { RoleName: role.RoleName, PolicyName: name, PolicyDocument: encodeDocument(document) };
    },

    DeleteRolePolicy: (input, context) => {
      const role = requireRole(store, context, requiredString(input, 'RoleName'));
      const name = requiredString(input, 'PolicyName');
      if (role.inlinePolicies[name] === undefined) {
        throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
      }
      delete role.inlinePolicies[name];
      store.save();
      return {};
    },

    ListRolePolicies: (input, context) => {
      const role = requireRole(store, context, requiredString(input, 'RoleName'));
      const { items, ...paging } = page(Object.keys(role.inlinePolicies).sort(), input);
      return { PolicyNames: items, ...paging };
    }
  });
}

/** MaxSessionDuration: 3600 (the default) to 43200 seconds. */
function sessionDuration(value: unknown): number {
  if (value === undefined) return 3600;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
    throw validationError(
      `1 validation error detected: Value '${wireText(value)}' at 'maxSessionDuration' failed to satisfy constraint: ` +
        'Member must have value between 3600 and 43200'
    );
  }
  return seconds;
}
