import { createHash, randomBytes } from 'node:crypto';
import type { StateStore } from '../state.js';

/** ECR tokens are valid for 12 hours. */
export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 60 * 60;

/** Expired tokens are kept this long so a client using one is told "expired", not "invalid". */
const EXPIRED_TOKEN_MEMORY_MS = 24 * 60 * 60 * 1000;

export const TOKEN_USERNAME = 'AWS';

interface TokenRecord {
  sha256: string;
  expiresAt: Date;
}

export type TokenCheck = 'valid' | 'expired' | 'unknown';

/**
 * The short-lived registry passwords GetAuthorizationToken hands out (user `AWS`, like ECR). Only their
 * hashes are stored, in the state directory, so a `docker login` survives a restart of the stack.
 */
export class AuthorizationTokens {
  /** The state document of issued passwords, which `modelship local reset` keeps so logins stay valid. */
  static readonly DOCUMENT = 'registry-tokens';

  constructor(
    private readonly state: StateStore,
    private readonly ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS
  ) {}

  issue(now = new Date()): { password: string; expiresAt: Date } {
    const password = randomBytes(48).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.ttlSeconds * 1000);
    const records = this.records();
    records.splice(
      0,
      records.length,
      ...records.filter((record) => record.expiresAt.getTime() + EXPIRED_TOKEN_MEMORY_MS > now.getTime()),
      { sha256: digestOf(password), expiresAt }
    );
    this.state.save(AuthorizationTokens.DOCUMENT);
    return { password, expiresAt };
  }

  check(password: string, now = new Date()): TokenCheck {
    const sha256 = digestOf(password);
    const record = this.records().find((candidate) => candidate.sha256 === sha256);
    if (!record) return 'unknown';
    return record.expiresAt.getTime() > now.getTime() ? 'valid' : 'expired';
  }

  private records(): TokenRecord[] {
    return this.state.document<{ tokens: TokenRecord[] }>(AuthorizationTokens.DOCUMENT, () => ({
      tokens: []
    })).tokens;
  }
}

function digestOf(password: string): string {
  return createHash('sha256').update(password).digest('hex');
}
