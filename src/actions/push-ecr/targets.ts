import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ActionLog } from '../../lib/log.js';
import { dockerLogin, inspectRemoteTag } from './docker.js';
import { registryLogin, remoteTags, type EcrRepository } from './ecr.js';
import type { RemoteImage } from './manifest.js';
import { isTagImmutable } from './mutability.js';
import type { PushTarget } from './target.js';

/** An ECR repository: tags are read with one BatchGetImage call, the login comes from GetAuthorizationToken. */
export function ecrTarget(
  ecr: ECRClient,
  repositoryName: string,
  repository: EcrRepository,
  log: ActionLog
): PushTarget {
  return {
    registry: repository.repositoryUri.split('/')[0] as string,
    repositoryUri: repository.repositoryUri,
    lookup: (tags) => remoteTags(ecr, repositoryName, repository.registryId, tags),
    isImmutable: (tag) => isTagImmutable(repository.mutability, tag),
    login: async (configDir) => {
      const login = await registryLogin(ecr, repository.registryId, log);
      await dockerLogin(
        configDir,
        login.registry,
        login,
        'The token from ECR GetAuthorizationToken was refused; check the system clock and that the role may call ecr:GetAuthorizationToken, then re-run.',
        log
      );
    }
  };
}

export interface RegistryCredentials {
  username: string;
  password: string;
}

/**
 * Any other registry (Docker Hub, GHCR, …): tags are read with `docker manifest inspect`, which needs the
 * login first, so it happens on the first lookup. Tags are treated as mutable, as those registries do.
 */
export function registryTarget(
  registry: string,
  repositoryName: string,
  credentials: RegistryCredentials,
  configDir: string,
  log: ActionLog
): PushTarget {
  const repositoryUri = `${registry}/${repositoryName}`;
  let loggedIn: Promise<void> | undefined;
  const login = () =>
    (loggedIn ??= dockerLogin(
      configDir,
      registry,
      credentials,
      "Check the 'username' and 'password' inputs (a token with push access) and the 'registry' address.",
      log
    ));
  return {
    registry,
    repositoryUri,
    lookup: async (tags) => {
      await login();
      const found = new Map<string, RemoteImage>();
      for (const tag of tags) {
        const remote = await inspectRemoteTag(configDir, `${repositoryUri}:${tag}`);
        if (remote) found.set(tag, remote);
      }
      return found;
    },
    isImmutable: () => false,
    login: () => login()
  };
}
