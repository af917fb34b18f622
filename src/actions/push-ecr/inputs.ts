import type { ImageTagMutability } from '@aws-sdk/client-ecr';
import { resolve } from 'node:path';
import * as core from '@actions/core';
import { InputError } from '../../lib/errors.js';
import { basicAuthorization, type Mask } from '../../lib/secrets.js';
import {
  getBoolean,
  getEnum,
  getList,
  getNumber,
  getOptionalString,
  getString,
  type InputReader
} from '../../lib/inputs.js';
import { readLifecyclePolicy, retentionPolicy } from './lifecycle.js';
import { isValidRegistryId, isValidRepositoryName, tagOf } from './names.js';
import { requireValidTags } from '../../lib/docker-tags.js';

export const Input = {
  Image: 'image',
  Repository: 'repository',
  Tags: 'tags',
  CreateRepository: 'create-repository',
  ScanOnPush: 'scan-on-push',
  ImageTagMutability: 'image-tag-mutability',
  LifecyclePolicy: 'lifecycle-policy',
  KeepImages: 'keep-images',
  PreviewRetentionDays: 'preview-retention-days',
  LifecyclePolicyUpdate: 'lifecycle-policy-update',
  RegistryId: 'registry-id',
  AwsRegion: 'aws-region',
  Registry: 'registry',
  Username: 'username',
  Password: 'password',
  RequireDockerManifest: 'require-docker-manifest'
} as const;

export const Output = {
  Registry: 'registry',
  RepositoryUri: 'repository-uri',
  ImageUri: 'image-uri',
  Digest: 'digest',
  Tags: 'tags',
  Pushed: 'pushed'
} as const;

const MUTABILITY: readonly ImageTagMutability[] = ['IMMUTABLE', 'MUTABLE'];

export interface EcrDestination {
  kind: 'ecr';
  registryId?: string;
  awsRegion?: string;
  /** Settings for a repository push-ecr creates; undefined when it may not create one. */
  create?: { scanOnPush: boolean; imageTagMutability: ImageTagMutability; lifecyclePolicy?: string };
  /** The lifecycle policy to put on the repository when it already exists (lifecycle-policy-update). */
  updateLifecyclePolicy?: string;
}

export interface RegistryDestination {
  kind: 'registry';
  registry: string;
  username: string;
  password: string;
}

export interface PushInputs {
  image: string;
  repository: string;
  tags: string[];
  destination: EcrDestination | RegistryDestination;
  requireDockerManifest: boolean;
}

/** Reads and validates every input before any call is made. */
/** `mask` registers the registry password (and its encoded forms) with the runner as it is read. */
export function parseInputs(
  read: InputReader,
  workspace: string,
  mask: Mask = (secret) => core.setSecret(secret)
): PushInputs {
  const image = getString(read, Input.Image, { required: true });
  const repository = getString(read, Input.Repository, { required: true });
  if (!isValidRepositoryName(repository)) {
    throw new InputError(
      Input.Repository,
      `'${repository}' is not a valid repository name`,
      "Use 2 to 256 lowercase letters and digits, separated by '.', '_', '-' or '/' (e.g. 'acme/sentiment-model'), without a registry host or tag."
    );
  }
  if (/^[0-9]{12}\.dkr\.ecr\./.test(repository)) {
    throw new InputError(
      Input.Repository,
      `'${repository}' is a repository URI`,
      `Give the repository name alone ('${repository.slice(repository.indexOf('/') + 1)}'); the registry comes from 'registry-id' and the region.`
    );
  }
  const tags = getList(read, Input.Tags);
  if (tags.length === 0) tags.push(defaultTag(image));
  requireValidTags(tags, Input.Tags);
  return {
    image,
    repository,
    tags: [...new Set(tags)],
    destination: getOptionalString(read, Input.Registry)
      ? registryDestination(read, mask)
      : ecrDestination(read, workspace),
    requireDockerManifest: getBoolean(read, Input.RequireDockerManifest, true)
  };
}

function defaultTag(image: string): string {
  const tag = tagOf(image);
  if (tag !== undefined) return tag;
  if (image.includes('@')) {
    throw new InputError(
      Input.Tags,
      `is empty and '${image}' has no tag to reuse`,
      "Give the tags to push under, e.g. 'tags: v1'."
    );
  }
  return 'latest';
}

function registryDestination(read: InputReader, mask: Mask): RegistryDestination {
  const username = getString(read, Input.Username);
  const password = getString(read, Input.Password);
  if (password) basicAuthorization({ username, password }, mask);
  const registry = getString(read, Input.Registry, { required: true });
  if (registry.includes('@')) {
    throw new InputError(
      Input.Registry,
      'holds user information (user:password@host), which would be printed with the registry',
      "Give the host alone and pass the credentials from secrets as 'username' and 'password'."
    );
  }
  if (/^[a-z]+:\/\//i.test(registry) || registry.includes('/')) {
    throw new InputError(
      Input.Registry,
      `'${registry}' is not a registry host`,
      "Give the host (and port) alone, e.g. 'docker.io' or 'ghcr.io'; the path belongs in 'repository'."
    );
  }
  if (!username || !password) {
    throw new InputError(
      username ? Input.Password : Input.Username,
      `is required with 'registry: ${registry}'`,
      "Pass the registry's username and an access token (from secrets) as 'username' and 'password'."
    );
  }
  return { kind: 'registry', registry, username, password };
}

function ecrDestination(read: InputReader, workspace: string): EcrDestination {
  const registryId = getOptionalString(read, Input.RegistryId);
  if (registryId !== undefined && !isValidRegistryId(registryId)) {
    throw new InputError(
      Input.RegistryId,
      `'${registryId}' is not an AWS account ID`,
      'Give the 12-digit account ID that owns the registry, or leave it empty for your own account.'
    );
  }
  const awsRegion = getOptionalString(read, Input.AwsRegion);
  const destination: EcrDestination = {
    kind: 'ecr',
    ...(registryId !== undefined && { registryId }),
    ...(awsRegion !== undefined && { awsRegion })
  };
  const lifecyclePolicy = lifecyclePolicyOf(read, workspace);
  const update = getBoolean(read, Input.LifecyclePolicyUpdate, false);
  if (update && lifecyclePolicy === undefined) {
    throw new InputError(
      Input.LifecyclePolicyUpdate,
      "is true but there is no policy to put ('keep-images' is 0 and 'lifecycle-policy' is empty)",
      "Give 'keep-images' above 0 or a 'lifecycle-policy' file, or leave 'lifecycle-policy-update' false."
    );
  }
  const withUpdate: EcrDestination = {
    ...destination,
    ...(update && lifecyclePolicy !== undefined && { updateLifecyclePolicy: lifecyclePolicy })
  };
  if (!getBoolean(read, Input.CreateRepository, true)) return withUpdate;
  return {
    ...withUpdate,
    create: {
      scanOnPush: getBoolean(read, Input.ScanOnPush, true),
      imageTagMutability: getEnum(read, Input.ImageTagMutability, MUTABILITY, 'IMMUTABLE'),
      ...(lifecyclePolicy !== undefined && { lifecyclePolicy })
    }
  };
}

/** The file's policy, else the retention policy by tag prefix; undefined when keep-images is 0. */
function lifecyclePolicyOf(read: InputReader, workspace: string): string | undefined {
  const policyFile = getOptionalString(read, Input.LifecyclePolicy);
  if (policyFile) return readLifecyclePolicy(Input.LifecyclePolicy, resolve(workspace, policyFile));
  const keepImages = getNumber(read, Input.KeepImages, 30, { min: 0, max: 10000, integer: true }) as number;
  const previewRetentionDays = getNumber(read, Input.PreviewRetentionDays, 14, {
    min: 1,
    max: 3650,
    integer: true
  }) as number;
  return keepImages > 0 ? retentionPolicy({ keepImages, previewRetentionDays }) : undefined;
}
