import type { Caller } from '../../identity/caller.js';
import { callerArn } from '../../identity/caller.js';
import { partitionOf } from '../../identity/partition.js';
import {
  conditionsHold,
  wildcardMatch,
  type PolicyDocument,
  type PolicyStatement
} from '../../identity/policy.js';

/** Who asks to assume a role: an AWS caller (AssumeRole) or a web identity's provider (WithWebIdentity). */
export type TrustRequester =
  { kind: 'aws'; caller: Caller; region: string } | { kind: 'federated'; providerArn: string };

/**
 * Whether a role's trust policy lets `requester` perform `action` (sts:AssumeRole,
 * sts:AssumeRoleWithWebIdentity) given the request's condition keys. A Deny that applies wins.
 */
export function trustAllows(
  trust: PolicyDocument,
  action: string,
  requester: TrustRequester,
  context: Record<string, string[]>
): boolean {
  let allowed = false;
  for (const statement of trust.statements) {
    const actions = statement.action ?? [];
    const actionMatches = statement.action
      ? actions.some((pattern) => wildcardMatch(pattern, action, true))
      : !(statement.notAction ?? []).some((pattern) => wildcardMatch(pattern, action, true));
    if (!actionMatches || !principalMatches(statement.principal, requester)) continue;
    if (!conditionsHold(statement.condition, context)) continue;
    if (statement.effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}

function principalMatches(principal: PolicyStatement['principal'], requester: TrustRequester): boolean {
  if (principal === '*') return true;
  if (!principal) return false;
  if (requester.kind === 'federated') {
    return (principal['Federated'] ?? []).includes(requester.providerArn);
  }
  const { caller, region } = requester;
  return (principal['AWS'] ?? []).some((entry) => {
    if (entry === '*' || entry === caller.accountId) return true;
    const root = /^arn:[\w-]+:iam::(\d{12}):root$/.exec(entry);
    if (root) return root[1] === caller.accountId;
    if (caller.session)
      return entry === caller.session.roleArn || entry === callerArn(caller, partitionOf(region));
    return entry === callerArn(caller, partitionOf(region));
  });
}
