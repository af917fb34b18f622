import type {
  CreateOpenIDConnectProviderCommandInput,
  CreateOpenIDConnectProviderCommandOutput,
  DeleteOpenIDConnectProviderCommandInput,
  DeleteOpenIDConnectProviderCommandOutput,
  GetOpenIDConnectProviderCommandInput,
  GetOpenIDConnectProviderCommandOutput,
  ListOpenIDConnectProvidersCommandInput,
  ListOpenIDConnectProvidersCommandOutput
} from '@aws-sdk/client-iam';
import { partitionOf } from '../../identity/partition.js';
import { defineOperations, type OperationTable, type RequestContext } from '../../wire/types.js';
import type { IamStore, OidcProviderRecord } from './store.js';
import {
  entityAlreadyExists,
  invalidInput,
  noSuchEntity,
  optionalTags,
  requiredString,
  stringList,
  validationError
} from './validation.js';

type OidcProviderOperations = {
  CreateOpenIDConnectProvider: [
    CreateOpenIDConnectProviderCommandInput,
    CreateOpenIDConnectProviderCommandOutput
  ];
  GetOpenIDConnectProvider: [GetOpenIDConnectProviderCommandInput, GetOpenIDConnectProviderCommandOutput];
  ListOpenIDConnectProviders: [
    ListOpenIDConnectProvidersCommandInput,
    ListOpenIDConnectProvidersCommandOutput
  ];
  DeleteOpenIDConnectProvider: [
    DeleteOpenIDConnectProviderCommandInput,
    DeleteOpenIDConnectProviderCommandOutput
  ];
};

/** OpenID Connect identity providers, which AssumeRoleWithWebIdentity trusts. */
export function oidcProviderOperations(store: IamStore): OperationTable {
  const requireProvider = (context: RequestContext, arn: string): OidcProviderRecord => {
    const provider = store.account(context.accountId).oidcProviders[arn];
    if (!provider) throw noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
    return provider;
  };

  return defineOperations<OidcProviderOperations>({
    CreateOpenIDConnectProvider: (input, context) => {
      const url = requiredString(input, 'Url');
      if (!/^https:\/\/[^\s/?#]+[^\s?#]*$/.test(url) || url.length > 255) {
        throw invalidInput(`Invalid Open ID Connect Provider URL: ${url} (it must start with https://).`);
      }
      const bare = url.slice('https://'.length).replace(/\/$/, '');
      const clientIds = stringList(input, 'ClientIDList');
      const thumbprints = stringList(input, 'ThumbprintList');
      const badThumbprint = thumbprints.find((thumbprint) => !/^[0-9a-fA-F]{40}$/.test(thumbprint));
      if (badThumbprint !== undefined) {
        throw validationError(
          `1 validation error detected: Value '${badThumbprint}' at 'thumbprintList' failed to satisfy ` +
            'constraint: Member must have length greater than or equal to 40'
        );
      }
      if (store.oidcProviderByUrl(context.accountId, bare)) {
        throw entityAlreadyExists(`Provider with url https://${bare} already exists.`);
      }
      const arn = `arn:${partitionOf(context.region)}:iam::${context.accountId}:oidc-provider/${bare}`;
      const tags = optionalTags(input);
      store.account(context.accountId).oidcProviders[arn] = {
        Arn: arn,
        Url: bare,
        ClientIDList: clientIds,
        ThumbprintList: thumbprints,
        CreateDate: new Date(),
        Tags: tags
      };
      store.save();
      return { OpenIDConnectProviderArn: arn, Tags: tags.length > 0 ? tags : undefined };
    },

    GetOpenIDConnectProvider: (input, context) => {
      const provider = requireProvider(context, requiredString(input, 'OpenIDConnectProviderArn'));
      return {
        Url: provider.Url,
        ClientIDList: provider.ClientIDList,
        ThumbprintList: provider.ThumbprintList,
        CreateDate: provider.CreateDate,
        Tags: provider.Tags.length > 0 ? provider.Tags : undefined
      };
    },

    ListOpenIDConnectProviders: (_input, context) => ({
      OpenIDConnectProviderList: Object.keys(store.account(context.accountId).oidcProviders)
        .sort()
        .map((arn) => ({ Arn: arn }))
    }),

    DeleteOpenIDConnectProvider: (input, context) => {
      const provider = requireProvider(context, requiredString(input, 'OpenIDConnectProviderArn'));
      delete store.account(context.accountId).oidcProviders[provider.Arn];
      store.save();
      return {};
    }
  });
}
