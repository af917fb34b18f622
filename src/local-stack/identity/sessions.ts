import { randomBytes, randomInt } from 'node:crypto';
import type { StateStore } from '../state.js';

/** Temporary credentials STS issued, and who they act as. */
export interface SessionRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  accountId: string;
  roleName: string;
  roleId: string;
  roleArn: string;
  sessionName: string;
  /** The session policy AssumeRole was given: the session may do only what both it and the role allow. */
  sessionPolicy?: string;
}

interface SessionsDocument {
  sessions: Record<string, SessionRecord>;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** An id as IAM and STS make them: a 4-letter prefix (AROA, ASIA, ANPA, ...) and upper-case characters. */
export function awsId(prefix: string, length: number): string {
  return prefix + Array.from({ length }, () => UPPER_ALNUM[randomInt(UPPER_ALNUM.length)]).join('');
}

/**
 * The temporary credentials STS handed out, kept in the stack's state so they keep working across a
 * restart until they expire; expired ones are dropped whenever a new one is issued.
 */
export class SessionStore {
  private static readonly DOCUMENT = 'sts-sessions';

  constructor(private readonly state: StateStore) {}

  issue(
    identity: Omit<SessionRecord, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'>,
    durationSeconds: number,
    now = new Date()
  ): SessionRecord {
    const record: SessionRecord = {
      accessKeyId: awsId('ASIA', 16),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(240).toString('base64')}`,
      expiration: new Date(now.getTime() + durationSeconds * 1000),
      ...identity
    };
    const sessions = this.document().sessions;
    for (const [key, session] of Object.entries(sessions)) {
      if (session.expiration.getTime() <= now.getTime()) delete sessions[key];
    }
    sessions[record.accessKeyId] = record;
    this.state.save(SessionStore.DOCUMENT);
    return record;
  }

  find(accessKeyId: string): SessionRecord | undefined {
    return this.document().sessions[accessKeyId];
  }

  private document(): SessionsDocument {
    return this.state.document<SessionsDocument>(SessionStore.DOCUMENT, () => ({ sessions: {} }));
  }
}
