import { AwsServiceError } from '../wire/errors.js';
import type { SessionRecord, SessionStore } from './sessions.js';

/** Who signed a request: an account, and for temporary credentials the role session they act as. */
export interface Caller {
  accountId: string;
  accessKeyId: string;
  session?: SessionRecord;
}

/** Which protocol's error shape a refused request gets. */
export type ErrorProtocol = 'query' | 'json';

/**
 * The caller a request's credentials stand for, as other AWS emulators choose accounts: temporary
 * credentials STS issued act as their role in its account; a 12-digit access key id is that account;
 * any other key is the stack's configured account (acting as its root, as the stack always has).
 */
export function resolveCaller(
  credentials: { accessKeyId: string; sessionToken: string | undefined },
  defaultAccountId: string,
  sessions: SessionStore,
  protocol: ErrorProtocol,
  now = new Date()
): Caller {
  const { accessKeyId, sessionToken } = credentials;
  const session = accessKeyId.startsWith('ASIA') ? sessions.find(accessKeyId) : undefined;
  if (session) {
    if (sessionToken !== session.sessionToken) {
      throw protocol === 'query'
        ? new AwsServiceError(
            'InvalidClientTokenId',
            'The security token included in the request is invalid.',
            403
          )
        : new AwsServiceError(
            'UnrecognizedClientException',
            'The security token included in the request is invalid.',
            400
          );
    }
    if (session.expiration.getTime() <= now.getTime()) {
      throw new AwsServiceError(
        protocol === 'query' ? 'ExpiredToken' : 'ExpiredTokenException',
        'The security token included in the request is expired',
        protocol === 'query' ? 403 : 400
      );
    }
    return { accountId: session.accountId, accessKeyId, session };
  }
  if (/^\d{12}$/.test(accessKeyId)) return { accountId: accessKeyId, accessKeyId };
  return { accountId: defaultAccountId, accessKeyId };
}

/** The caller's ARN as AWS names it in GetCallerIdentity and AccessDenied messages. */
export function callerArn(caller: Caller, partition: string): string {
  if (caller.session) {
    return `arn:${partition}:sts::${caller.accountId}:assumed-role/${caller.session.roleName}/${caller.session.sessionName}`;
  }
  return `arn:${partition}:iam::${caller.accountId}:user/modelship-local`;
}
