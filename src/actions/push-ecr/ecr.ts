import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
  ServerException,
  type ECRClient,
  type ImageTagMutability,
  type Repository
} from '@aws-sdk/client-ecr';
import { ActionError } from '../../lib/errors.js';
import type { ActionLog, Log } from '../../lib/log.js';
import { RETRY_ADVICE } from './failures.js';
import { ACCEPTED_MEDIA_TYPES, configDigestOf, type RemoteImage } from './manifest.js';
import type { TagMutability } from './mutability.js';
import { registryHost } from './names.js';

export interface RepositorySettings {
  scanOnPush: boolean;
  imageTagMutability: ImageTagMutability;
  /** Lifecycle policy JSON; undefined: none. */
  lifecyclePolicy?: string;
}

export interface EcrRepository {
  repositoryUri: string;
  registryId: string;
  mutability: TagMutability;
  created: boolean;
}

/**
 * Finds the repository, or creates it with the given settings. An existing repository's settings are
 * left as they are (the action pushes into it, it does not manage it), except its lifecycle policy when
 * `updateLifecyclePolicy` is given (lifecycle-policy-update: true).
 */
export async function ensureRepository(
  ecr: ECRClient,
  repositoryName: string,
  registryId: string | undefined,
  create: RepositorySettings | undefined,
  log: Log,
  updateLifecyclePolicy?: string
): Promise<EcrRepository> {
  const ids = registryId !== undefined ? { registryId } : {};
  let found: Repository | undefined;
  try {
    const answer = await ecr.send(
      new DescribeRepositoriesCommand({ ...ids, repositoryNames: [repositoryName] })
    );
    found = answer.repositories?.[0];
  } catch (error) {
    if (!(error instanceof RepositoryNotFoundException)) throw error;
  }
  if (found !== undefined) {
    if (updateLifecyclePolicy !== undefined) {
      await ecr.send(
        new PutLifecyclePolicyCommand({ ...ids, repositoryName, lifecyclePolicyText: updateLifecyclePolicy })
      );
      log.info(`Put the lifecycle policy on the existing ECR repository ${repositoryName}.`);
    }
    return described(found, repositoryName, false);
  }
  if (!create) throw missingRepository(repositoryName, registryId);
  const created = await ecr.send(
    new CreateRepositoryCommand({
      ...ids,
      repositoryName,
      imageTagMutability: create.imageTagMutability,
      imageScanningConfiguration: { scanOnPush: create.scanOnPush }
    })
  );
  if (create.lifecyclePolicy !== undefined) {
    await ecr.send(
      new PutLifecyclePolicyCommand({ ...ids, repositoryName, lifecyclePolicyText: create.lifecyclePolicy })
    );
  }
  log.info(
    `Created the ECR repository ${repositoryName} (${create.imageTagMutability}, scan on push ${create.scanOnPush ? 'on' : 'off'}${create.lifecyclePolicy !== undefined ? ', lifecycle policy' : ''}).`
  );
  return described(created.repository, repositoryName, true);
}

function missingRepository(repositoryName: string, registryId: string | undefined): ActionError {
  return new ActionError(
    `The ECR repository '${repositoryName}' does not exist${registryId ? ` in registry ${registryId}` : ''}.`,
    "Create it (e.g. with your infrastructure code), or set 'create-repository: true' to let push-ecr create it."
  );
}

function described(repository: Repository | undefined, name: string, created: boolean): EcrRepository {
  if (!repository?.repositoryUri || !repository.registryId) {
    throw new ActionError(`ECR described the repository '${name}' without its URI or registry ID.`);
  }
  return {
    repositoryUri: repository.repositoryUri,
    registryId: repository.registryId,
    mutability: {
      mode: repository.imageTagMutability ?? 'MUTABLE',
      exclusionFilters: repository.imageTagMutabilityExclusionFilters ?? []
    },
    created
  };
}

/**
 * What each tag points at, in one BatchGetImage call. Tags ECR reports as not found are absent from the
 * map; any other per-image failure is an error.
 */
export async function remoteTags(
  ecr: ECRClient,
  repositoryName: string,
  registryId: string,
  tags: readonly string[]
): Promise<Map<string, RemoteImage>> {
  const answer = await ecr
    .send(
      new BatchGetImageCommand({
        registryId,
        repositoryName,
        imageIds: tags.map((imageTag) => ({ imageTag })),
        acceptedMediaTypes: [...ACCEPTED_MEDIA_TYPES]
      })
    )
    .catch((error: unknown) => {
      if (!(error instanceof ServerException)) throw error;
      throw new ActionError(
        `ECR could not read the tags of ${repositoryName}, even after the SDK's retries: ${error.message}`,
        RETRY_ADVICE
      );
    });
  const failure = answer.failures?.find((item) => item.failureCode !== 'ImageNotFound');
  if (failure) {
    throw new ActionError(
      `ECR could not look up tag '${failure.imageId?.imageTag ?? '?'}' in ${repositoryName}: ${failure.failureCode}: ${failure.failureReason}.`
    );
  }
  const byTag = new Map<string, RemoteImage>();
  for (const image of answer.images ?? []) {
    const tag = image.imageId?.imageTag;
    const digest = image.imageId?.imageDigest;
    if (!tag || !digest) continue;
    const configDigest = image.imageManifest ? configDigestOf(image.imageManifest) : undefined;
    byTag.set(tag, {
      digest,
      mediaType: image.imageManifestMediaType ?? 'unknown',
      ...(configDigest !== undefined && { configDigest })
    });
  }
  return byTag;
}

export interface RegistryLogin {
  registry: string;
  username: string;
  password: string;
}

/** A registry login from GetAuthorizationToken; the token and password are masked before anything else. */
export async function registryLogin(
  ecr: ECRClient,
  registryId: string,
  log: ActionLog
): Promise<RegistryLogin> {
  const answer = await ecr.send(new GetAuthorizationTokenCommand({ registryIds: [registryId] }));
  const data = answer.authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) {
    throw new ActionError('ECR GetAuthorizationToken returned no token.');
  }
  log.setSecret(data.authorizationToken);
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const password = decoded.slice(separator + 1);
  log.setSecret(password);
  if (separator <= 0 || password === '') {
    throw new ActionError('ECR GetAuthorizationToken returned a token that is not user:password.');
  }
  return { registry: registryHost(data.proxyEndpoint), username: decoded.slice(0, separator), password };
}
