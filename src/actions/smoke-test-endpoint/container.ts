import { ActionError } from '../../lib/errors.js';
import { runCommand } from '../../lib/exec.js';

/** The port SageMaker's container contract serves on. */
export const SERVING_PORT = 8080;

/** A container started from the image under test, reachable on a loopback port. */
export interface LocalContainer {
  id: string;
  url: string;
}

/**
 * `docker run` as SageMaker starts a serving container (`<image> serve`), detached, its port published on
 * loopback only at a free port, labelled so a leftover is recognisable.
 */
export function runArguments(image: string): string[] {
  return [
    'run',
    '--detach',
    '--publish',
    `127.0.0.1::${SERVING_PORT}`,
    '--label',
    'modelship.smoke-test=true',
    image,
    'serve'
  ];
}

/** `127.0.0.1:49153` (and an IPv6 line when published there too) from `docker port`. */
export function parsePublishedPort(output: string): string | undefined {
  const line = output
    .split('\n')
    .map((entry) => entry.trim())
    .find((entry) => /^127\.0\.0\.1:\d+$/.test(entry));
  return line === undefined ? undefined : `http://${line}`;
}

export async function startContainer(image: string): Promise<LocalContainer> {
  const started = await runCommand('docker', runArguments(image), { silent: true });
  const id = started.stdout.trim();
  if (started.exitCode !== 0 || id === '') {
    throw new ActionError(
      `Could not start a container from image ${image}: ${started.stderr.trim() || `docker run exited ${started.exitCode}`}.`,
      "Check that 'image' names an image built on this runner (build-image's image output) and that Docker runs."
    );
  }
  const port = await runCommand('docker', ['port', id, `${SERVING_PORT}/tcp`], { silent: true });
  const url = parsePublishedPort(port.stdout);
  if (url === undefined) {
    const logs = await containerLogs(id);
    await removeContainer(id);
    throw new ActionError(
      `The container of image ${image} stopped before it served on port ${SERVING_PORT}.${logs}`,
      'The image must serve HTTP on port 8080 when started with the argument serve, as SageMaker starts it.'
    );
  }
  return { id, url };
}

/** The container's last output, for a failure message. */
export async function containerLogs(id: string): Promise<string> {
  const logs = await runCommand('docker', ['logs', '--tail', '30', id], { silent: true });
  const text = `${logs.stdout}${logs.stderr}`.trim();
  return text === '' ? '' : `\nIts last output:\n${text}`;
}

export async function removeContainer(id: string): Promise<void> {
  await runCommand('docker', ['rm', '--force', '--volumes', id], { silent: true });
}
