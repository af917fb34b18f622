import { combineOperations, type ServiceDefinition } from '../../wire/types.js';
import { managedPolicyOperations } from './managed-policies.js';
import { oidcProviderOperations } from './oidc-providers.js';
import { roleOperations } from './roles.js';
import type { IamStore } from './store.js';

/** IAM (AWS Query protocol, API version 2010-05-08): roles, their policies, OpenID Connect providers. */
export function createIamService(store: IamStore): ServiceDefinition {
  return {
    protocol: 'query',
    signingName: 'iam',
    xmlNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
    operations: combineOperations(
      roleOperations(store),
      managedPolicyOperations(store),
      oidcProviderOperations(store)
    )
  };
}
