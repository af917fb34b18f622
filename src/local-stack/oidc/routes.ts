import type { WireRequest, WireResponse } from '../wire/types.js';
import type { GitHubTokenRequest, LocalOidcIssuer } from './issuer.js';

export const OIDC_PATH = '/_modelship/oidc';

const json = (status: number, body: object): WireResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body)
});

/**
 * The local issuer's routes: discovery document, JWKS, and tokens, `GET` shaped like GitHub's
 * ACTIONS_ID_TOKEN_REQUEST_URL (`{"value": jwt}`, audience as a query parameter) or `POST` with JSON.
 */
export function handleOidcRequest(issuer: LocalOidcIssuer, request: WireRequest): WireResponse {
  const path = request.path.slice(OIDC_PATH.length);
  const base = `http://${request.headers.host ?? '127.0.0.1'}${OIDC_PATH}`;
  if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
    return json(200, {
      issuer: issuer.issuer,
      jwks_uri: `${base}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'repository', 'environment'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid']
    });
  }
  if (request.method === 'GET' && path === '/.well-known/jwks') return json(200, { keys: issuer.jwks() });
  if (path === '/token' && (request.method === 'GET' || request.method === 'POST')) {
    try {
      const tokenRequest =
        request.method === 'GET' ? fromQuery(request.query) : fromJson(request.body.toString('utf8'));
      return json(200, { value: issuer.mint(tokenRequest) });
    } catch (error) {
      return json(400, { message: `OIDC token request: ${(error as Error).message}` });
    }
  }
  return json(404, { message: `No OIDC route ${request.method} ${request.path}` });
}

function fromQuery(query: URLSearchParams): GitHubTokenRequest {
  const text = (name: string) => query.get(name) ?? undefined;
  const expires = text('expiresInSeconds');
  return build({
    repository: text('repository'),
    environment: text('environment'),
    ref: text('ref'),
    subject: text('subject'),
    audience: text('audience'),
    expiresInSeconds: expires === undefined ? undefined : Number(expires)
  });
}

function fromJson(body: string): GitHubTokenRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body || '{}');
  } catch {
    throw new Error('the body is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('the body must be a JSON object');
  }
  return build(parsed as Record<string, unknown>);
}

function build(fields: Record<string, unknown>): GitHubTokenRequest {
  const optionalText = (name: string) => {
    const value = fields[name];
    if (value !== undefined && typeof value !== 'string') throw new Error(`'${name}' must be a string`);
    return value;
  };
  const repository = optionalText('repository');
  if (repository === undefined) throw new Error("'repository' (OWNER/REPO) is required");
  const expires = fields['expiresInSeconds'];
  if (expires !== undefined && (typeof expires !== 'number' || !Number.isInteger(expires))) {
    throw new Error("'expiresInSeconds' must be a whole number of seconds");
  }
  const claims = fields['claims'];
  if (claims !== undefined && (claims === null || typeof claims !== 'object' || Array.isArray(claims))) {
    throw new Error("'claims' must be an object");
  }
  const environment = optionalText('environment');
  const ref = optionalText('ref');
  const subject = optionalText('subject');
  const audience = optionalText('audience');
  return {
    repository,
    ...(environment !== undefined && { environment }),
    ...(ref !== undefined && { ref }),
    ...(subject !== undefined && { subject }),
    ...(audience !== undefined && { audience }),
    ...(expires !== undefined && { expiresInSeconds: expires }),
    ...(claims !== undefined && { claims: claims as Record<string, unknown> })
  };
}
