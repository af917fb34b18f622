import { ActionError } from '../../lib/errors.js';
import { runCommand } from '../../lib/exec.js';

export interface DockerEngine {
  serverVersion: string;
  /** Whether the buildx CLI plugin is installed, so `docker buildx build` can be used. */
  hasBuildx: boolean;
}

/**
 * One `docker info` answers both questions the action asks before building: is an engine reachable (it
 * fails early, with the fix, when not: the most common runner misconfiguration), and is buildx installed.
 */
export async function probeDockerEngine(): Promise<DockerEngine> {
  const result = await runCommand(
    'docker',
    ['info', '--format', '{{.ServerVersion}}|{{range .ClientInfo.Plugins}}{{.Name}} {{end}}'],
    { silent: true }
  );
  const [serverVersion = '', plugins = ''] = result.stdout.trim().split('|');
  if (result.exitCode !== 0 || serverVersion === '') {
    const reason = result.stderr.trim().split('\n').pop() || 'no answer';
    throw new ActionError(
      `The Docker engine is not reachable (${reason}).`,
      'Run the job on a runner with Docker (ubuntu-latest has it), or start dockerd / set DOCKER_HOST.'
    );
  }
  return { serverVersion, hasBuildx: plugins.split(' ').includes('buildx') };
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
