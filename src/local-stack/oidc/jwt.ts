import { createPublicKey, createSign, createVerify, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
}

export type JwtClaims = Record<string, unknown>;

export interface DecodedJwt {
  header: JwtHeader;
  claims: JwtClaims;
  /** `<header>.<payload>`, what the signature covers. */
  signedPart: string;
  signature: Buffer;
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs claims as a compact JWS with RS256. */
export function signJwt(claims: JwtClaims, privateKey: KeyObject, keyId: string): string {
  const signedPart = `${encode({ alg: 'RS256', typ: 'JWT', kid: keyId })}.${encode(claims)}`;
  const signature = createSign('RSA-SHA256').update(signedPart).sign(privateKey).toString('base64url');
  return `${signedPart}.${signature}`;
}

/** Splits a compact JWS without trusting it; undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    const decodedHeader: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!isObject(decodedHeader) || !isObject(claims) || typeof decodedHeader['alg'] !== 'string') {
      return undefined;
    }
    return {
      header: decodedHeader as unknown as JwtHeader,
      claims,
      signedPart: `${header}.${payload}`,
      signature: Buffer.from(signature, 'base64url')
    };
  } catch {
    return undefined;
  }
}

/** Whether an RS256 token's signature verifies against one of the JWKS keys (the `kid` one when named). */
export function verifyRs256(token: DecodedJwt, keys: readonly JsonWebKey[]): boolean {
  if (token.header.alg !== 'RS256') return false;
  const candidates = keys.filter(
    (key) => key.kty === 'RSA' && (token.header.kid === undefined || key['kid'] === token.header.kid)
  );
  return candidates.some((key) => {
    try {
      return createVerify('RSA-SHA256')
        .update(token.signedPart)
        .verify(createPublicKey({ key, format: 'jwk' }), token.signature);
    } catch {
      return false;
    }
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
