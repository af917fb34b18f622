import { partitionOf } from '../../wire/partition.js';
import type { ServiceDefinition } from '../../wire/types.js';

/** STS, as far as the suite needs it: who am I. */
export function createStsService(): ServiceDefinition {
  return {
    protocol: 'query',
    signingName: 'sts',
    xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
    operations: {
      GetCallerIdentity: (_input, context) => ({
        UserId: context.accessKeyId || 'AKIAIOSFODNN7EXAMPLE',
        Account: context.accountId,
        Arn: `arn:${partitionOf(context.region)}:iam::${context.accountId}:user/modelship-local`
      })
    }
  };
}
