import { execFile } from 'node:child_process';

/** What the local stack asks of a container engine; DockerCli is the real one, tests may bring their own. */
export interface ContainerEngine {
  /** Starts a detached container and resolves with its id. */
  run(options: RunOptions): Promise<string>;
  /** The 127.0.0.1 port a container's TCP port is published on. */
  publishedPort(id: string, containerPort: number): Promise<number>;
  /** Whether the container runs, or how it exited; undefined when it does not exist. */
  state(id: string): Promise<ContainerState | undefined>;
  /** The last `lines` lines the container wrote (stdout and stderr). */
  logs(id: string, lines: number): Promise<string>;
  /** Removes containers, running or not; ids that no longer exist are ignored. */
  remove(ids: string[]): Promise<void>;
  /** Ids of every container (running or not) carrying all the given labels. */
  find(labels: Record<string, string>): Promise<string[]>;
  /** The image's repository digests (`repo@sha256:...`), or undefined when the image is not present. */
  inspectImage(reference: string): Promise<string[] | undefined>;
  /** Pulls an image, with the credentials of a Docker config directory when given. */
  pull(reference: string, configDir?: string): Promise<void>;
}

export type ContainerState = { running: true } | { running: false; exitCode: number };

export interface RunOptions {
  image: string;
  name: string;
  labels: Record<string, string>;
  env: Record<string, string>;
  /** Arguments after the image (SageMaker passes `serve`). */
  args: string[];
  /** Published on a free 127.0.0.1 port. */
  containerPort: number;
  /** Host directories mounted read-only (SageMaker's /opt/ml/model). */
  readOnlyMounts?: { source: string; target: string }[];
}

/** A docker command that failed: the command line (never secrets: only ids, names and images) and stderr. */
export class DockerCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string
  ) {
    super(`docker ${args.join(' ')} failed: ${stderr.trim() || 'no output'}`);
    this.name = 'DockerCommandError';
  }
}

/**
 * `docker run` for one container: detached, labelled, with its environment, and the container port
 * published on a free loopback port only (never on every interface).
 */
export function runArguments(options: RunOptions): string[] {
  const args = ['run', '--detach', '--name', options.name];
  for (const [key, value] of Object.entries(options.labels)) args.push('--label', `${key}=${value}`);
  for (const [key, value] of Object.entries(options.env)) args.push('--env', `${key}=${value}`);
  for (const mount of options.readOnlyMounts ?? []) {
    args.push('--mount', `type=bind,source=${mount.source},target=${mount.target},readonly`);
  }
  args.push('--publish', `127.0.0.1::${options.containerPort}`, options.image, ...options.args);
  return args;
}

/** The docker CLI, always called with argument arrays. */
export class DockerCli implements ContainerEngine {
  constructor(private readonly program = 'docker') {}

  async run(options: RunOptions): Promise<string> {
    return (await this.docker(runArguments(options))).trim();
  }

  async publishedPort(id: string, containerPort: number): Promise<number> {
    const output = await this.docker(['port', id, `${containerPort}/tcp`]);
    const port = Number(/:(\d+)\s*$/m.exec(output)?.[1]);
    if (!Number.isInteger(port) || port <= 0) {
      throw new DockerCommandError(['port', id], `no published port in "${output.trim()}"`);
    }
    return port;
  }

  async state(id: string): Promise<ContainerState | undefined> {
    let output: string;
    try {
      output = await this.docker(['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', id]);
    } catch (error) {
      if (error instanceof DockerCommandError && /No such (object|container)/i.test(error.stderr))
        return undefined;
      throw error;
    }
    const [running, exitCode] = output.trim().split(' ');
    return running === 'true' ? { running: true } : { running: false, exitCode: Number(exitCode) };
  }

  async logs(id: string, lines: number): Promise<string> {
    const { stdout, stderr } = await this.exec(['logs', '--tail', String(lines), id]);
    return `${stdout}${stderr}`;
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.docker(['rm', '--force', '--volumes', ...ids]);
    } catch (error) {
      if (!(error instanceof DockerCommandError) || !/No such container/i.test(error.stderr)) throw error;
      // Some were gone already; remove the others one by one so none is left behind.
      await Promise.all(ids.map((id) => this.docker(['rm', '--force', id]).catch(() => undefined)));
    }
  }

  async find(labels: Record<string, string>): Promise<string[]> {
    const args = ['ps', '--all', '--quiet', '--no-trunc'];
    for (const [key, value] of Object.entries(labels)) args.push('--filter', `label=${key}=${value}`);
    return (await this.docker(args)).split('\n').filter((line) => line.trim() !== '');
  }

  async inspectImage(reference: string): Promise<string[] | undefined> {
    try {
      const output = await this.docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', reference]);
      return JSON.parse(output) as string[];
    } catch (error) {
      if (error instanceof DockerCommandError && /No such image/i.test(error.stderr)) return undefined;
      throw error;
    }
  }

  async pull(reference: string, configDir?: string): Promise<void> {
    await this.docker([...(configDir !== undefined ? ['--config', configDir] : []), 'pull', reference]);
  }

  private async docker(args: string[]): Promise<string> {
    return (await this.exec(args)).stdout;
  }

  private exec(args: string[]): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      execFile(this.program, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new DockerCommandError(args, stderr || error.message));
        else resolve({ stdout, stderr });
      });
    });
  }
}
