import { ActionError } from '../../lib/errors.js';
import type { ActionLog } from '../../lib/log.js';
import { decideTags, type LocalImage, type TagState } from './decision.js';
import { tagAndPush } from './docker.js';
import { sageMakerManifestProblem, type RemoteImage } from './manifest.js';
import type { PushTarget } from './target.js';

export interface PushRequest {
  image: string;
  local: LocalImage;
  tags: readonly string[];
  requireDockerManifest: boolean;
  configDir: string;
  log: ActionLog;
}

export interface PushResult {
  digest: string;
  mediaType: string;
  /** `repositoryUri@sha256:…`: the image pinned by digest. */
  imageUri: string;
  pushed: boolean;
  /** What happened to each tag. */
  tags: TagState[];
}

/**
 * The idempotent push: looks up every tag first, refuses before any upload when an immutable tag holds a
 * different image, pushes only the tags that are new or move, then checks what the registry now holds.
 */
export async function pushImage(target: PushTarget, request: PushRequest): Promise<PushResult> {
  const states = decideTags(
    request.local,
    target.repositoryUri,
    request.tags,
    await target.lookup(request.tags),
    (tag) => target.isImmutable(tag)
  );
  const conflicts = states.filter((state) => state.action === 'conflict');
  if (conflicts.length > 0) {
    const list = conflicts.map((state) => `'${state.tag}' (holds ${state.remote.digest})`).join(', ');
    throw new ActionError(
      `${target.repositoryUri} is immutable and ${list} already ${conflicts.length > 1 ? 'hold' : 'holds'} a different image than ${request.image} (${request.local.id}). Nothing was pushed.`,
      'Push under a new tag (e.g. the commit sha), or delete the old image first if replacing it is intended.'
    );
  }

  const toPush = states.filter((state) => state.action === 'push');
  for (const state of states) {
    if (state.action === 'keep')
      request.log.info(
        `${target.repositoryUri}:${state.tag} already holds this image (${state.remote.digest}): not pushed again.`
      );
    if (state.action === 'push' && state.reason === 'moves')
      request.log.info(`${target.repositoryUri}:${state.tag} moves from ${state.from} to this image.`);
  }
  const kept = states.find((state) => state.action === 'keep');
  if (toPush.length === 0 && kept) {
    checkManifest(request, `${target.repositoryUri}:${kept.tag}`, kept.remote);
    return result(target, kept.remote, false, states);
  }

  await target.login(request.configDir);
  let digest = '';
  for (const state of toPush) {
    digest = await tagAndPush(
      request.configDir,
      request.image,
      `${target.repositoryUri}:${state.tag}`,
      request.log
    );
  }
  const remote = await verifyPushed(
    target,
    toPush.map((state) => state.tag),
    digest
  );
  checkManifest(request, `${target.repositoryUri}@${remote.digest}`, remote);
  return result(target, remote, true, states);
}

/** Reads the pushed tags back: each must now name the manifest docker reported. */
async function verifyPushed(target: PushTarget, tags: string[], digest: string): Promise<RemoteImage> {
  const remote = await target.lookup(tags);
  for (const tag of tags) {
    const found = remote.get(tag);
    if (found?.digest !== digest) {
      throw new ActionError(
        `After the push, ${target.repositoryUri}:${tag} names ${found ? found.digest : 'nothing'}, not the pushed ${digest}.`,
        'Another job may be pushing the same tag at the same time; re-run this one.'
      );
    }
  }
  return remote.get(tags[0] as string) as RemoteImage;
}

function checkManifest(request: PushRequest, reference: string, remote: RemoteImage): void {
  const problem = sageMakerManifestProblem(reference, remote.mediaType);
  if (!problem) return;
  if (request.requireDockerManifest) throw new ActionError(problem);
  request.log.warning(problem);
}

function result(target: PushTarget, remote: RemoteImage, pushed: boolean, tags: TagState[]): PushResult {
  return {
    digest: remote.digest,
    mediaType: remote.mediaType,
    imageUri: `${target.repositoryUri}@${remote.digest}`,
    pushed,
    tags
  };
}
