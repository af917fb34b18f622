import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ContainerEngine,
  ContainerState,
  RunOptions
} from '../../../../../../src/local-stack/docker/engine.js';
import { DockerCommandError } from '../../../../../../src/local-stack/docker/engine.js';

/** How a fake container behaves, chosen by a word in its image reference. */
type Behaviour = 'serve' | 'fail-ping' | 'crash' | 'crash-now';

interface FakeContainer {
  options: RunOptions;
  server?: Server;
  /** Undefined once it exited before docker could publish its port. */
  port: number | undefined;
  state: ContainerState;
  logs: string;
}

/**
 * A container engine without Docker for unit tests: each "container" is an HTTP server in this process
 * that follows SageMaker's contract. Images containing "fail-ping" answer /ping with 500, images
 * containing "crash" exit (code 1) with log lines after their port is published, images containing
 * "crash-now" exit (code 3) before it is, as a container that dies at once does on Docker; images
 * containing "missing" cannot be pulled.
 * /invocations echoes the image, environment, headers and body; the body "fail" gets a 400, the body
 * "error" a 500.
 */
export class FakeEngine implements ContainerEngine {
  readonly containers = new Map<string, FakeContainer>();
  readonly pulls: { reference: string; configDir: string | undefined }[] = [];
  /** Images present "locally", with their repository digests. */
  readonly images = new Map<string, string[]>();
  private nextId = 1;
  private gate: Promise<void> | undefined;

  /** Until the returned function is called, starting and removing containers waits (to see transitions). */
  pause(): () => void {
    let release = () => {};
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }

  async run(options: RunOptions): Promise<string> {
    await this.gate;
    const id = `fake${this.nextId++}`;
    const behaviour: Behaviour = options.image.includes('crash-now')
      ? 'crash-now'
      : options.image.includes('crash')
        ? 'crash'
        : options.image.includes('fail-ping')
          ? 'fail-ping'
          : 'serve';
    if (behaviour === 'crash' || behaviour === 'crash-now') {
      const now = behaviour === 'crash-now';
      this.containers.set(id, {
        options,
        port: now ? undefined : 1,
        state: { running: false, exitCode: now ? 3 : 1 },
        logs: now ? 'exec format error\n' : 'loading\nRuntimeError: corrupt model\n'
      });
      return id;
    }
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (request.url === '/ping') {
          response.writeHead(behaviour === 'serve' ? 200 : 500).end();
        } else if (body === 'fail') {
          response.writeHead(400, { 'content-type': 'text/plain' }).end('bad input');
        } else if (body === 'error') {
          response.writeHead(500, { 'content-type': 'text/plain' }).end('model crashed');
        } else {
          const attributes = request.headers['x-amzn-sagemaker-custom-attributes'];
          response
            .writeHead(200, {
              'content-type': 'application/json',
              ...(attributes !== undefined && {
                'x-amzn-sagemaker-custom-attributes': `echo:${String(attributes)}`
              })
            })
            .end(
              JSON.stringify({
                id,
                image: options.image,
                args: options.args,
                env: options.env,
                headers: request.headers,
                body
              })
            );
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.containers.set(id, {
      options,
      server,
      port: (server.address() as AddressInfo).port,
      state: { running: true },
      logs: 'serving\n'
    });
    return id;
  }

  async publishedPort(id: string, containerPort: number): Promise<number> {
    const { port } = this.require(id);
    if (port === undefined) {
      throw new DockerCommandError(
        ['port', id, `${containerPort}/tcp`],
        `Error: No public port '${containerPort}/tcp' published for ${id}`
      );
    }
    return port;
  }

  async state(id: string): Promise<ContainerState | undefined> {
    return this.containers.get(id)?.state;
  }

  async logs(id: string): Promise<string> {
    return this.require(id).logs;
  }

  async remove(ids: string[]): Promise<void> {
    await this.gate;
    for (const id of ids) {
      const container = this.containers.get(id);
      if (!container) continue;
      this.containers.delete(id);
      if (container.server) {
        container.server.closeAllConnections();
        await new Promise((resolve) => container.server?.close(resolve));
      }
    }
  }

  async find(labels: Record<string, string>): Promise<string[]> {
    return [...this.containers]
      .filter(([, container]) =>
        Object.entries(labels).every(([key, value]) => container.options.labels[key] === value)
      )
      .map(([id]) => id);
  }

  async inspectImage(reference: string): Promise<string[] | undefined> {
    return this.images.get(reference);
  }

  async pull(reference: string, configDir?: string): Promise<void> {
    this.pulls.push({ reference, configDir });
    if (reference.includes('missing')) {
      throw new DockerCommandError(['pull', reference], `manifest for ${reference} not found`);
    }
    const repository = reference.replace(/[@:][^/]*$/, '');
    this.images.set(reference, [`${repository}@sha256:${'a'.repeat(64)}`]);
  }

  /** Containers of one endpoint (by the hosting labels). */
  ofEndpoint(name: string): FakeContainer[] {
    return [...this.containers.values()].filter(
      (container) => container.options.labels['modelship.sagemaker.endpoint'] === name.toLowerCase()
    );
  }

  private require(id: string): FakeContainer {
    const container = this.containers.get(id);
    if (!container) throw new DockerCommandError(['inspect', id], `No such container: ${id}`);
    return container;
  }
}
