import { ActionError } from '../../lib/errors.js';
import { runCommand } from '../../lib/exec.js';
import type { ActionLog, Log } from '../../lib/log.js';
import type { LocalImage } from './decision.js';
import {
  inspectImageArgs,
  loginArgs,
  manifestInspectArgs,
  pushArgs,
  pushedDigest,
  tagArgs
} from './docker-commands.js';
import { loginFailure, pushFailure } from './failures.js';
import { configDigestOf, MediaType, type RemoteImage } from './manifest.js';
import { isLoopbackRegistry } from './names.js';

export async function inspectLocalImage(image: string): Promise<LocalImage> {
  const result = await runCommand('docker', inspectImageArgs(image), { silent: true });
  if (result.exitCode !== 0) {
    if (/no such image/i.test(result.stderr)) {
      throw new ActionError(
        `The image '${image}' is not in the local Docker engine.`,
        "Build it first (build-image's 'image' output is the reference to pass), or check the tag."
      );
    }
    throw new ActionError(
      `docker image inspect ${image} failed: ${result.stderr.trim()}`,
      'Is the Docker engine running?'
    );
  }
  const facts = JSON.parse(result.stdout) as { Id?: string; RepoDigests?: string[] | null };
  if (!facts.Id) throw new ActionError(`docker image inspect ${image} reported no image ID.`);
  return { id: facts.Id, repoDigests: facts.RepoDigests ?? [] };
}

/** Logs in with the password on standard input: it never appears in a process listing or the log. */
export async function dockerLogin(
  configDir: string,
  registry: string,
  credentials: { username: string; password: string },
  credentialsHint: string,
  log: Log
): Promise<void> {
  const result = await runCommand('docker', loginArgs(configDir, registry, credentials.username), {
    stdin: credentials.password,
    silent: true
  });
  if (result.exitCode !== 0) {
    throw loginFailure(registry, `${result.stdout}\n${result.stderr}`, credentialsHint);
  }
  log.info(`Logged in to ${registry} (temporary Docker config).`);
}

/** Tags the local image as the remote reference and pushes it; returns the manifest digest docker printed. */
export async function tagAndPush(
  configDir: string,
  image: string,
  reference: string,
  log: ActionLog
): Promise<string> {
  const tagged = await runCommand('docker', tagArgs(image, reference), { silent: true });
  if (tagged.exitCode !== 0) {
    throw new ActionError(`docker tag ${image} ${reference} failed: ${tagged.stderr.trim()}`);
  }
  const result = await log.group(`docker push ${reference}`, () =>
    runCommand('docker', pushArgs(configDir, reference))
  );
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.exitCode !== 0) throw pushFailure(reference, output);
  const digest = pushedDigest(output);
  if (!digest) throw new ActionError(`docker push ${reference} succeeded but printed no manifest digest.`);
  return digest;
}

interface VerboseManifest {
  Descriptor?: { mediaType?: string; digest?: string };
  Raw?: string;
}

/**
 * What a tag points at in any registry, read with `docker manifest inspect --verbose` and the login's
 * credentials. An index is reported as a list; it has no single config to compare.
 */
export async function inspectRemoteTag(
  configDir: string,
  reference: string
): Promise<RemoteImage | undefined> {
  const registry = reference.split('/')[0] as string;
  const result = await runCommand(
    'docker',
    manifestInspectArgs(configDir, reference, isLoopbackRegistry(registry)),
    { silent: true }
  );
  if (result.exitCode !== 0) {
    if (/no such manifest|manifest unknown|not found/i.test(result.stderr)) return undefined;
    throw new ActionError(
      `Could not read ${reference} from the registry: ${result.stderr.trim()}.`,
      'Check the registry address and that the credentials may read the repository.'
    );
  }
  const parsed = JSON.parse(result.stdout) as VerboseManifest | VerboseManifest[];
  if (Array.isArray(parsed)) {
    // docker prints an index as its platform entries without the index's own digest.
    return { digest: 'an image index', mediaType: MediaType.DockerManifestList };
  }
  const { mediaType, digest } = parsed.Descriptor ?? {};
  if (!mediaType || !digest)
    throw new ActionError(`docker manifest inspect ${reference} gave no descriptor.`);
  const configDigest = parsed.Raw
    ? configDigestOf(Buffer.from(parsed.Raw, 'base64').toString('utf8'))
    : undefined;
  return { digest, mediaType, ...(configDigest !== undefined && { configDigest }) };
}
