import type { IamStore } from '../services/iam/store.js';
import { AwsServiceError } from '../wire/errors.js';
import type { OperationInput } from '../wire/types.js';
import { callerArn, type Caller, type ErrorProtocol } from './caller.js';
import { partitionOf } from './partition.js';
import { evaluatePolicies, parsePolicyDocument } from './policy.js';
import { requestedResource } from './request-resource.js';

/** One API call to authorize: the service's signing name (IAM's action prefix) and operation. */
export interface AuthorizationRequest {
  caller: Caller;
  service: string;
  operation: string;
  input: OperationInput;
  region: string;
  protocol: ErrorProtocol;
}

/** Calls AWS answers without consulting identity policies. */
const ALWAYS_ALLOWED = new Set(['sts:GetCallerIdentity', 'sts:AssumeRoleWithWebIdentity']);

/**
 * `--enforce-iam`: checks a role session's call against the role's identity policies (inline and
 * attached managed, and the session policy AssumeRole was given) and answers AWS's AccessDenied when
 * they do not allow it. Long-term credentials act as the account's root and are not checked.
 */
export function authorize(iam: IamStore, request: AuthorizationRequest): AwsServiceError | undefined {
  const session = request.caller.session;
  if (!session) return undefined;
  const action = `${request.service}:${request.operation}`;
  if (ALWAYS_ALLOWED.has(action)) return undefined;
  const resource = requestedResource(request.service, request.input, {
    region: request.region,
    accountId: request.caller.accountId
  });
  const role = iam.roleByArn(session.roleArn);
  const policies = role ? iam.identityPolicies(role) : [];
  const context = {
    'aws:RequestedRegion': [request.region],
    'aws:PrincipalArn': [session.roleArn],
    'aws:PrincipalAccount': [session.accountId]
  };
  let decision = evaluatePolicies(policies, { action, resource, context });
  if (decision === 'Allow' && session.sessionPolicy !== undefined) {
    decision = evaluatePolicies([parsePolicyDocument(session.sessionPolicy, 'identity')], {
      action,
      resource,
      context
    });
  }
  if (decision === 'Allow') return undefined;
  const reason =
    decision === 'ExplicitDeny'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${action} action`;
  const message = `User: ${callerArn(request.caller, partitionOf(request.region))} is not authorized to perform: ${action} on resource: ${resource} ${reason}`;
  return request.protocol === 'query'
    ? new AwsServiceError('AccessDenied', message, 403)
    : new AwsServiceError('AccessDeniedException', message, 400);
}
