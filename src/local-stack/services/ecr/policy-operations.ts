import type {
  DeleteRegistryPolicyCommandInput,
  DeleteRegistryPolicyCommandOutput,
  DeleteRepositoryPolicyCommandInput,
  DeleteRepositoryPolicyCommandOutput,
  DescribeRegistryCommandInput,
  DescribeRegistryCommandOutput,
  GetRegistryPolicyCommandInput,
  GetRegistryPolicyCommandOutput,
  GetRepositoryPolicyCommandInput,
  GetRepositoryPolicyCommandOutput,
  PutRegistryPolicyCommandInput,
  PutRegistryPolicyCommandOutput,
  PutReplicationConfigurationCommandInput,
  PutReplicationConfigurationCommandOutput,
  ReplicationDestination,
  ReplicationRule,
  RepositoryFilter,
  SetRepositoryPolicyCommandInput,
  SetRepositoryPolicyCommandOutput
} from '@aws-sdk/client-ecr';
import { AwsServiceError } from '../../wire/errors.js';
import { defineOperations, wireMembers, type OperationTable, type RequestContext } from '../../wire/types.js';
import { invalidParameter } from './errors.js';
import type { ReplicationConfiguration, RepositoryStore } from './repositories.js';
import { existingRepository, optionalBoolean, type RepositoryReference } from './validation.js';

const MAX_POLICY_LENGTH = 10240;
const REGION = /^[0-9a-z-]{2,25}$/;
const REGISTRY_ID = /^[0-9]{12}$/;

type PolicyOperations = {
  SetRepositoryPolicy: [SetRepositoryPolicyCommandInput, SetRepositoryPolicyCommandOutput];
  GetRepositoryPolicy: [GetRepositoryPolicyCommandInput, GetRepositoryPolicyCommandOutput];
  DeleteRepositoryPolicy: [DeleteRepositoryPolicyCommandInput, DeleteRepositoryPolicyCommandOutput];
  PutRegistryPolicy: [PutRegistryPolicyCommandInput, PutRegistryPolicyCommandOutput];
  GetRegistryPolicy: [GetRegistryPolicyCommandInput, GetRegistryPolicyCommandOutput];
  DeleteRegistryPolicy: [DeleteRegistryPolicyCommandInput, DeleteRegistryPolicyCommandOutput];
  PutReplicationConfiguration: [
    PutReplicationConfigurationCommandInput,
    PutReplicationConfigurationCommandOutput
  ];
  DescribeRegistry: [DescribeRegistryCommandInput, DescribeRegistryCommandOutput];
};

/**
 * Repository and registry permission policies and the registry's replication configuration. The
 * local stack stores them (and checks them as ECR does when they are set); it neither enforces
 * policies nor replicates images.
 */
export function policyOperations(store: RepositoryStore): OperationTable {
  const repositoryAnswer = (input: RepositoryReference, context: RequestContext) => {
    const record = existingRepository(input, context, store);
    return { record, answer: { registryId: context.accountId, repositoryName: record.repositoryName } };
  };
  const requireRepositoryPolicy = (input: RepositoryReference, context: RequestContext) => {
    const { record, answer } = repositoryAnswer(input, context);
    if (record.policyText === undefined) {
      throw new AwsServiceError(
        'RepositoryPolicyNotFoundException',
        `Repository policy does not exist for the repository with name '${record.repositoryName}' ` +
          `in the registry with id '${context.accountId}'`
      );
    }
    return { record, answer: { ...answer, policyText: record.policyText } };
  };
  const requireRegistryPolicy = (context: RequestContext) => {
    const policyText = store.registry().policyText;
    if (policyText === undefined) {
      throw new AwsServiceError(
        'RegistryPolicyNotFoundException',
        `Registry policy does not exist in the registry with id '${context.accountId}'`
      );
    }
    return { registryId: context.accountId, policyText };
  };

  return defineOperations<PolicyOperations>({
    SetRepositoryPolicy: (input, context) => {
      const { record, answer } = repositoryAnswer(input, context);
      optionalBoolean(input.force, 'force');
      record.policyText = policyText(input.policyText, 'repository');
      store.save();
      return { ...answer, policyText: record.policyText };
    },

    GetRepositoryPolicy: (input, context) => requireRepositoryPolicy(input, context).answer,

    DeleteRepositoryPolicy: (input, context) => {
      const { record, answer } = requireRepositoryPolicy(input, context);
      delete record.policyText;
      store.save();
      return answer;
    },

    PutRegistryPolicy: (input, context) => {
      const settings = store.registry();
      settings.policyText = policyText(input.policyText, 'registry');
      store.save();
      return { registryId: context.accountId, policyText: settings.policyText };
    },

    GetRegistryPolicy: (_input, context) => requireRegistryPolicy(context),

    DeleteRegistryPolicy: (_input, context) => {
      const answer = requireRegistryPolicy(context);
      delete store.registry().policyText;
      store.save();
      return answer;
    },

    PutReplicationConfiguration: (input) => {
      const configuration = replicationConfiguration(input.replicationConfiguration);
      store.registry().replicationConfiguration = configuration;
      store.save();
      return { replicationConfiguration: configuration };
    },

    DescribeRegistry: (_input, context) => ({
      registryId: context.accountId,
      replicationConfiguration: store.registry().replicationConfiguration ?? { rules: [] }
    })
  });
}

/**
 * A permission policy as ECR accepts it: an IAM policy document (JSON object with a Statement list
 * whose entries have an Effect of Allow or Deny), at most 10240 characters.
 */
function policyText(value: unknown, kind: 'repository' | 'registry'): string {
  const invalid = (why: string) => invalidParameter('PolicyText', `Invalid ${kind} policy provided: ${why}`);
  if (typeof value !== 'string' || value.length > MAX_POLICY_LENGTH) {
    throw invalid(`the policy must be a JSON document of at most ${MAX_POLICY_LENGTH} characters`);
  }
  let document: unknown;
  try {
    document = JSON.parse(value);
  } catch (error) {
    throw invalid(`the policy is not valid JSON (${(error as Error).message})`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw invalid('the policy must be a JSON object');
  }
  const statements: unknown = (document as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  if (statements === undefined || list.length === 0) throw invalid("the policy needs a 'Statement'");
  list.forEach((statement: unknown, index) => {
    const effect = (statement as { Effect?: unknown } | null)?.Effect;
    if (effect !== 'Allow' && effect !== 'Deny') {
      throw invalid(`Statement[${index}].Effect must be 'Allow' or 'Deny'`);
    }
  });
  return value;
}

function replicationConfiguration(value: unknown): ReplicationConfiguration {
  const where = 'replicationConfiguration';
  const { rules } = wireMembers<ReplicationConfiguration>(value);
  if (!Array.isArray(rules) || rules.length > 10) {
    throw invalidParameter(`${where}.rules`, 'must be a list of at most 10 replication rules');
  }
  return {
    rules: rules.map((rule: unknown, index) => {
      const { destinations, repositoryFilters } = wireMembers<ReplicationRule>(rule);
      const at = `${where}.rules.${index + 1}`;
      if (!Array.isArray(destinations) || destinations.length > 100) {
        throw invalidParameter(`${at}.destinations`, 'must be a list of at most 100 destinations');
      }
      const checkedDestinations = destinations.map((destination: unknown) => {
        const { region, registryId } = wireMembers<ReplicationDestination>(destination);
        if (typeof region !== 'string' || !REGION.test(region)) {
          throw invalidParameter(`${at}.destinations.region`, 'must be an AWS region name');
        }
        if (typeof registryId !== 'string' || !REGISTRY_ID.test(registryId)) {
          throw invalidParameter(`${at}.destinations.registryId`, 'must be a 12-digit registry ID');
        }
        return { region, registryId };
      });
      if (repositoryFilters === undefined) return { destinations: checkedDestinations };
      if (
        !Array.isArray(repositoryFilters) ||
        repositoryFilters.length === 0 ||
        repositoryFilters.length > 100
      ) {
        throw invalidParameter(`${at}.repositoryFilters`, 'must be a list of 1 to 100 filters');
      }
      return {
        destinations: checkedDestinations,
        repositoryFilters: repositoryFilters.map((filter: unknown) => {
          const { filter: prefix, filterType } = wireMembers<RepositoryFilter>(filter);
          if (
            filterType !== 'PREFIX_MATCH' ||
            typeof prefix !== 'string' ||
            !/^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*\/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$/.test(prefix) ||
            prefix.length < 2 ||
            prefix.length > 256
          ) {
            throw invalidParameter(
              `${at}.repositoryFilters`,
              "each filter must be { filterType: 'PREFIX_MATCH', filter: a repository name prefix of 2 to 256 characters }"
            );
          }
          return { filter: prefix, filterType };
        })
      };
    })
  };
}
