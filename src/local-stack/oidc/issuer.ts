import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type JsonWebKey,
  type KeyObject
} from 'node:crypto';
import type { StateStore } from '../state.js';
import { signJwt } from './jwt.js';

/** GitHub Actions' issuer; the local issuer signs as it, so trust policies and condition keys stay AWS's. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const STS_AUDIENCE = 'sts.amazonaws.com';
/** GitHub's ID tokens are short-lived; so are the local ones unless asked otherwise. */
export const DEFAULT_TOKEN_SECONDS = 300;

/** What a GitHub Actions job's ID token says about it. */
export interface GitHubTokenRequest {
  /** `OWNER/REPO` */
  repository: string;
  /** Sets `sub` to `repo:OWNER/REPO:environment:ENV` (a job with `environment:`). */
  environment?: string;
  /** The job's ref; `sub` is `repo:OWNER/REPO:ref:REF` without an environment. Default `refs/heads/main`. */
  ref?: string;
  /** `sub` exactly, overriding the two forms above. */
  subject?: string;
  /** Default `sts.amazonaws.com`, what configure-aws-credentials asks for. */
  audience?: string;
  /** Lifetime; 0 or less mints a token that has already expired. Default 300. */
  expiresInSeconds?: number;
  /** More claims (`workflow`, `actor`, `job_workflow_ref`, ...), added last. */
  claims?: Record<string, unknown>;
}

export interface OidcSigningKey {
  issuer: string;
  keyId: string;
  privateKey: KeyObject;
}

/** Mints a GitHub Actions-shaped ID token (RS256) for `request`, signed by `signingKey`. */
export function mintGitHubActionsToken(
  signingKey: OidcSigningKey,
  request: GitHubTokenRequest,
  now = new Date()
): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(request.repository)) {
    throw new Error(`repository '${request.repository}' is not OWNER/REPO`);
  }
  const ref = request.ref ?? 'refs/heads/main';
  const subject =
    request.subject ??
    (request.environment !== undefined
      ? `repo:${request.repository}:environment:${request.environment}`
      : `repo:${request.repository}:ref:${ref}`);
  const issuedAt = Math.floor(now.getTime() / 1000);
  return signJwt(
    {
      iss: signingKey.issuer,
      aud: request.audience ?? STS_AUDIENCE,
      sub: subject,
      iat: issuedAt,
      nbf: issuedAt - 5,
      exp: issuedAt + (request.expiresInSeconds ?? DEFAULT_TOKEN_SECONDS),
      jti: randomUUID(),
      repository: request.repository,
      repository_owner: request.repository.split('/')[0],
      ref,
      ...(request.environment !== undefined && { environment: request.environment }),
      ...request.claims
    },
    signingKey.privateKey,
    signingKey.keyId
  );
}

const ISSUER_DOCUMENT = 'oidc-issuer';

interface IssuerDocument {
  keyId: string;
  /** PKCS#8 PEM: a local test key, kept so tokens minted before a restart still verify. */
  privateKeyPem: string;
}

/**
 * The stack's OpenID Connect issuer: one RSA key kept in the stack's state, made the first time a token
 * is minted or verified (not at start: generating it takes a moment).
 */
export class LocalOidcIssuer {
  private key: { signingKey: OidcSigningKey; publicJwk: JsonWebKey } | undefined;

  constructor(
    private readonly state: StateStore,
    readonly issuer = GITHUB_ACTIONS_ISSUER
  ) {}

  get signingKey(): OidcSigningKey {
    return this.loadKey().signingKey;
  }

  mint(request: GitHubTokenRequest, now = new Date()): string {
    return mintGitHubActionsToken(this.signingKey, request, now);
  }

  /** The public keys, as a JWKS document's `keys`. */
  jwks(): JsonWebKey[] {
    return [this.loadKey().publicJwk];
  }

  private loadKey() {
    if (this.key) return this.key;
    const document = this.state.document<IssuerDocument>(ISSUER_DOCUMENT, () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return {
        keyId: randomUUID(),
        privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
      };
    });
    this.state.save(ISSUER_DOCUMENT);
    const privateKey = createPrivateKey(document.privateKeyPem);
    this.key = {
      signingKey: { issuer: this.issuer, keyId: document.keyId, privateKey },
      publicJwk: {
        ...createPublicKey(privateKey).export({ format: 'jwk' }),
        kid: document.keyId,
        alg: 'RS256',
        use: 'sig'
      }
    };
    return this.key;
  }
}
