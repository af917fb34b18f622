import type {
  AssumeRoleCommandInput,
  AssumeRoleCommandOutput,
  AssumeRoleWithWebIdentityCommandInput,
  AssumeRoleWithWebIdentityCommandOutput,
  Credentials,
  GetCallerIdentityCommandInput,
  GetCallerIdentityCommandOutput
} from '@aws-sdk/client-sts';
import { callerArn, type Caller } from '../../identity/caller.js';
import { partitionOf } from '../../identity/partition.js';
import { parsePolicyDocument } from '../../identity/policy.js';
import type { SessionRecord, SessionStore } from '../../identity/sessions.js';
import type { LocalOidcIssuer } from '../../oidc/issuer.js';
import { AwsServiceError } from '../../wire/errors.js';
import {
  defineOperations,
  wireText,
  type RequestContext,
  type ServiceDefinition,
  type WireInput
} from '../../wire/types.js';
import type { IamStore, RoleRecord } from '../iam/store.js';
import { trustAllows } from './trust.js';
import { verifyWebIdentityToken } from './web-identity.js';

export interface StsServiceOptions {
  iam: IamStore;
  sessions: SessionStore;
  issuer: LocalOidcIssuer;
}

type StsOperations = {
  GetCallerIdentity: [GetCallerIdentityCommandInput, GetCallerIdentityCommandOutput];
  AssumeRole: [AssumeRoleCommandInput, AssumeRoleCommandOutput];
  AssumeRoleWithWebIdentity: [AssumeRoleWithWebIdentityCommandInput, AssumeRoleWithWebIdentityCommandOutput];
};

/** The members AssumeRole and AssumeRoleWithWebIdentity share, which the credentials they issue depend on. */
type SessionRequest = WireInput<
  Pick<AssumeRoleCommandInput, 'RoleSessionName' | 'DurationSeconds' | 'Policy'>
>;

const validationError = (message: string) => new AwsServiceError('ValidationError', message);
const accessDenied = (message: string) => new AwsServiceError('AccessDenied', message, 403);

/** STS (AWS Query protocol, 2011-06-15): who am I, and temporary credentials for roles. */
export function createStsService(options: StsServiceOptions): ServiceDefinition {
  const { iam, sessions } = options;

  /** The caller a request's context stands for (the router has already refused expired credentials). */
  const callerOf = (context: RequestContext): Caller => {
    const session = sessions.find(context.accessKeyId);
    return session && session.accountId === context.accountId
      ? { accountId: context.accountId, accessKeyId: context.accessKeyId, session }
      : { accountId: context.accountId, accessKeyId: context.accessKeyId };
  };

  const issue = (role: RoleRecord, input: SessionRequest, maxSeconds: number) => {
    const sessionName = sessionNameOf(input);
    const duration = durationOf(input, maxSeconds);
    const policy = input.Policy;
    if (typeof policy === 'string') parsePolicyDocument(policy, 'identity');
    const accountId = /::(\d{12}):/.exec(role.Arn)?.[1] as string;
    const session = sessions.issue(
      {
        accountId,
        roleName: role.RoleName,
        roleId: role.RoleId,
        roleArn: role.Arn,
        sessionName,
        ...(typeof policy === 'string' && { sessionPolicy: policy })
      },
      duration
    );
    return {
      Credentials: credentialsView(session),
      AssumedRoleUser: {
        AssumedRoleId: `${role.RoleId}:${sessionName}`,
        Arn: callerArn(
          { accountId, accessKeyId: session.accessKeyId, session },
          role.Arn.split(':')[1] as string
        )
      },
      PackedPolicySize: typeof policy === 'string' ? 1 : undefined
    };
  };

  return {
    protocol: 'query',
    signingName: 'sts',
    xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
    operations: defineOperations<StsOperations>({
      GetCallerIdentity: (_input, context) => {
        const caller = callerOf(context);
        return {
          UserId: caller.session
            ? `${caller.session.roleId}:${caller.session.sessionName}`
            : context.accessKeyId || 'AKIAIOSFODNN7EXAMPLE',
          Account: caller.accountId,
          Arn: callerArn(caller, partitionOf(context.region))
        };
      },

      AssumeRole: (input, context) => {
        const roleArn = requiredString(input, 'RoleArn');
        const caller = callerOf(context);
        const denied = accessDenied(
          `User: ${callerArn(caller, partitionOf(context.region))} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`
        );
        const role = iam.roleByArn(roleArn);
        if (!role) throw denied;
        const trustContext: Record<string, string[]> = {
          'aws:PrincipalArn': [caller.session?.roleArn ?? callerArn(caller, partitionOf(context.region))],
          'aws:PrincipalAccount': [caller.accountId],
          'aws:RequestedRegion': [context.region],
          ...(typeof input.ExternalId === 'string' && { 'sts:ExternalId': [input.ExternalId] }),
          ...(typeof input.RoleSessionName === 'string' && {
            'sts:RoleSessionName': [input.RoleSessionName]
          })
        };
        const trust = parsePolicyDocument(role.AssumeRolePolicyDocument, 'trust');
        if (
          !trustAllows(trust, 'sts:AssumeRole', { kind: 'aws', caller, region: context.region }, trustContext)
        ) {
          throw denied;
        }
        // Role chaining (a role session assuming a role) is limited to one hour, as on AWS.
        return issue(role, input, caller.session ? 3600 : role.MaxSessionDuration);
      },

      AssumeRoleWithWebIdentity: async (input, context) => {
        const roleArn = requiredString(input, 'RoleArn');
        const token = requiredString(input, 'WebIdentityToken');
        sessionNameOf(input);
        const accountId = /^arn:[\w-]+:iam::(\d{12}):role\//.exec(roleArn)?.[1];
        if (!accountId)
          throw validationError(`${roleArn} is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME).`);
        const identity = await verifyWebIdentityToken(token, accountId, iam, options.issuer);
        const denied = accessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity');
        const role = iam.roleByArn(roleArn);
        if (!role) throw denied;
        const prefix = identity.provider.Url;
        const trustContext: Record<string, string[]> = {
          [`${prefix}:sub`]: [identity.subject],
          [`${prefix}:aud`]: [identity.audience],
          'aws:RequestedRegion': [context.region]
        };
        const trust = parsePolicyDocument(role.AssumeRolePolicyDocument, 'trust');
        const requester = { kind: 'federated' as const, providerArn: identity.provider.Arn };
        if (!trustAllows(trust, 'sts:AssumeRoleWithWebIdentity', requester, trustContext)) throw denied;
        return {
          ...issue(role, input, role.MaxSessionDuration),
          SubjectFromWebIdentityToken: identity.subject,
          Provider: identity.provider.Arn,
          Audience: identity.audience
        };
      }
    })
  };
}

function credentialsView(session: SessionRecord): Credentials {
  return {
    AccessKeyId: session.accessKeyId,
    SecretAccessKey: session.secretAccessKey,
    SessionToken: session.sessionToken,
    Expiration: session.expiration
  };
}

function requiredString<In>(input: WireInput<In>, member: keyof In & string): string {
  const value = input[member];
  if (typeof value !== 'string' || value.length === 0) {
    throw validationError(
      `1 validation error detected: Value null at '${member.charAt(0).toLowerCase()}${member.slice(1)}' ` +
        'failed to satisfy constraint: Member must not be null'
    );
  }
  return value;
}

function sessionNameOf(input: SessionRequest): string {
  const name = requiredString(input, 'RoleSessionName');
  if (!/^[\w+=,.@-]{2,64}$/.test(name)) {
    throw validationError(
      `1 validation error detected: Value '${name}' at 'roleSessionName' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64'
    );
  }
  return name;
}

function durationOf(input: SessionRequest, maxSeconds: number): number {
  const value = input.DurationSeconds;
  if (value === undefined) return Math.min(3600, maxSeconds);
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 900) {
    throw validationError(
      `1 validation error detected: Value '${wireText(value)}' at 'durationSeconds' failed to satisfy constraint: ` +
        'Member must have value greater than or equal to 900'
    );
  }
  if (seconds > maxSeconds) {
    throw validationError(`The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`);
  }
  return seconds;
}
