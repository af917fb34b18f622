import { LocalOidcIssuer } from '../oidc/issuer.js';
import { IamStore } from '../services/iam/store.js';
import type { StateStore } from '../state.js';
import { SessionStore } from './sessions.js';

/** The identity pieces every account of a stack shares: IAM's state, STS's sessions, the OIDC issuer. */
export interface StackIdentity {
  iam: IamStore;
  sessions: SessionStore;
  issuer: LocalOidcIssuer;
}

/** Kept in the default account's state directory (IAM's document is keyed by account inside). */
export function createStackIdentity(state: StateStore): StackIdentity {
  return { iam: new IamStore(state), sessions: new SessionStore(state), issuer: new LocalOidcIssuer(state) };
}
