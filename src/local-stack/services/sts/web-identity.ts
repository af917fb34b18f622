import type { JsonWebKey } from 'node:crypto';
import { decodeJwt, verifyRs256, type DecodedJwt } from '../../oidc/jwt.js';
import type { LocalOidcIssuer } from '../../oidc/issuer.js';
import { AwsServiceError } from '../../wire/errors.js';
import type { IamStore, OidcProviderRecord } from '../iam/store.js';

const invalidToken = (message: string) => new AwsServiceError('InvalidIdentityToken', message);

/** A web identity token that passed every check but the role's trust policy. */
export interface VerifiedWebIdentity {
  provider: OidcProviderRecord;
  claims: Record<string, unknown>;
  subject: string;
  audience: string;
}

/**
 * Checks a web identity token as STS does, in STS's order: a JWT, from an OIDC provider registered in
 * the role's account, signed by the provider's keys, not expired, for one of the provider's client ids.
 * Tokens from the stack's own issuer are verified with its keys; any other issuer's keys are fetched
 * from its discovery document.
 */
export async function verifyWebIdentityToken(
  token: string,
  accountId: string,
  iam: IamStore,
  localIssuer: LocalOidcIssuer,
  now = new Date()
): Promise<VerifiedWebIdentity> {
  const decoded = decodeJwt(token);
  if (!decoded) throw invalidToken("Couldn't parse the web identity token: it is not a JSON Web Token.");
  const issuer = decoded.claims['iss'];
  if (typeof issuer !== 'string') throw invalidToken('The web identity token has no iss claim.');
  const provider = iam.oidcProviderByUrl(accountId, issuer);
  if (!provider) throw invalidToken(`No OpenIDConnect provider found in your account for ${issuer}`);
  const keys = issuer === localIssuer.issuer ? localIssuer.jwks() : await fetchJwks(issuer);
  if (!verifyRs256(decoded, keys)) {
    throw invalidToken(`The web identity token's signature does not verify against the keys of ${issuer}.`);
  }
  checkExpiry(decoded, now);
  const audiences = ([] as unknown[])
    .concat(decoded.claims['aud'] ?? [])
    .filter((value): value is string => typeof value === 'string');
  const audience = audiences.find((value) => provider.ClientIDList.includes(value));
  if (audience === undefined) throw invalidToken('Incorrect token audience');
  const subject = decoded.claims['sub'];
  if (typeof subject !== 'string') throw invalidToken('The web identity token has no sub claim.');
  return { provider, claims: decoded.claims, subject, audience };
}

function checkExpiry(token: DecodedJwt, now: Date): void {
  const expiry = token.claims['exp'];
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof expiry !== 'number') throw invalidToken('The web identity token has no exp claim.');
  if (expiry <= seconds) {
    throw new AwsServiceError(
      'ExpiredTokenException',
      `Token expired: current date/time ${seconds} must be before the expiration date/time ${expiry}`
    );
  }
}

/** An issuer's keys, from `<issuer>/.well-known/openid-configuration`'s jwks_uri. */
async function fetchJwks(issuer: string): Promise<JsonWebKey[]> {
  try {
    const discovery = (await getJson(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)) as {
      jwks_uri?: unknown;
    };
    if (typeof discovery.jwks_uri !== 'string') throw new Error('its discovery document has no jwks_uri');
    const jwks = (await getJson(discovery.jwks_uri)) as { keys?: unknown };
    if (!Array.isArray(jwks.keys)) throw new Error('its JWKS has no keys');
    return jwks.keys as JsonWebKey[];
  } catch (error) {
    throw new AwsServiceError(
      'IDPCommunicationError',
      `Couldn't retrieve verification key from your identity provider ${issuer}: ${(error as Error).message}`
    );
  }
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}
