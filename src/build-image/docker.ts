import { ActionError } from '../lib/errors.js';
import { runCommand } from '../lib/exec.js';

/** Fails early, with the fix, when no Docker engine answers (the most common runner misconfiguration). */
export async function requireDockerEngine(): Promise<string> {
  const result = await runCommand('docker', ['version', '--format', '{{.Server.Version}}'], { silent: true });
  const version = result.stdout.trim();
  if (result.exitCode !== 0 || version === '') {
    const reason = result.stderr.trim().split('\n').pop() ?? 'no answer';
    throw new ActionError(
      `The Docker engine is not reachable (${reason}).`,
      'Run the job on a runner with Docker (ubuntu-latest has it), or start dockerd / set DOCKER_HOST.'
    );
  }
  return version;
}

export async function hasBuildx(): Promise<boolean> {
  const result = await runCommand('docker', ['buildx', 'version'], { silent: true });
  return result.exitCode === 0;
}

export interface ImageFacts {
  id: string;
  size: number;
}

export async function inspectImage(reference: string): Promise<ImageFacts> {
  const result = await runCommand(
    'docker',
    ['image', 'inspect', '--format', '{{.Id}} {{.Size}}', reference],
    {
      silent: true
    }
  );
  const [id, size] = result.stdout.trim().split(' ');
  if (result.exitCode !== 0 || !id) {
    throw new ActionError(
      `The built image ${reference} is not in the local image store: ${result.stderr.trim()}`
    );
  }
  return { id, size: Number(size) };
}
