import type { GetCallerIdentityCommandInput, GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';
import { defineOperations, type ServiceDefinition } from '../../wire/types.js';

type StsOperations = {
  GetCallerIdentity: [GetCallerIdentityCommandInput, GetCallerIdentityCommandOutput];
};

/** STS, as far as the suite needs it: who am I. */
export function createStsService(): ServiceDefinition {
  return {
    protocol: 'query',
    signingName: 'sts',
    xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
    operations: defineOperations<StsOperations>({
      GetCallerIdentity: (_input, context) => ({
        UserId: context.accessKeyId || 'AKIAIOSFODNN7EXAMPLE',
        Account: context.accountId,
        Arn: `arn:aws:iam::${context.accountId}:user/modelship-local`
      })
    })
  };
}
