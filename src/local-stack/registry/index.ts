import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { StateStore } from '../state.js';
import { basicAuthorization, RegistryClient, type RegistryCredentials } from './client.js';
import { registryConfig } from './config.js';
import { createRegistryFrontDoor } from './front-door.js';
import { writeHtpasswd } from './htpasswd.js';
import { registryLayout, type RegistryLayout } from './layout.js';
import type { RegistryPolicy } from './policy.js';
import { RegistryPortTaken, startRegistryProcess, type RegistryProcess } from './process.js';
import { AuthorizationTokens } from './tokens.js';

export { RegistryClient, RegistryError, type RegistryCredentials, type StoredManifest } from './client.js';
export { immutableTagConflict, type RegistryPolicy } from './policy.js';
export { AuthorizationTokens, TOKEN_USERNAME } from './tokens.js';
export { registryLayout } from './layout.js';
export { stopOrphan as stopOrphanRegistry } from './process.js';
export * from './media-types.js';

export interface RegistryOptions {
  dataDir: string;
  state: StateStore;
  policy: RegistryPolicy;
  registryId: string;
  /** Port of the registry's address on 127.0.0.1; 0 picks a free one. */
  port: number;
  tokenTtlSeconds?: number;
}

/** The local stack's container registry, as the rest of the stack uses it. */
export interface LocalRegistry {
  /** `127.0.0.1:<port>`: what image references and `docker login` use. */
  readonly host: string;
  /** A Registry HTTP API client with the stack's internal credentials. */
  readonly client: RegistryClient;
  readonly tokens: AuthorizationTokens;
  /**
   * Credentials that never expire, for the stack's own use (e.g. pulling model images to run them):
   * `docker login <serverAddress> -u <username> --password-stdin`. They change on every start.
   */
  internalCredentials(): RegistryCredentials & { serverAddress: string };
  /** A Docker config directory logged in with the internal credentials: `docker --config <dir> pull ...`. */
  readonly dockerConfigDir: string;
  /** Calls `listener` after each manifest a client stored through the registry's front door. */
  onManifestStored(listener: (repository: string, digest: string) => void): void;
  /** False once docker-registry has exited. */
  running(): boolean;
  stop(): Promise<void>;
}

const INTERNAL_USERNAME = 'modelship-internal';

/**
 * Starts docker-registry on a private loopback port behind the front door (see front-door.ts), which
 * listens on the registry's public port. Internal credentials are new on every start.
 */
export async function startRegistry(options: RegistryOptions): Promise<LocalRegistry> {
  const layout = registryLayout(options.dataDir);
  mkdirSync(layout.storageDir, { recursive: true });
  const internal: RegistryCredentials = {
    username: INTERNAL_USERNAME,
    password: randomBytes(24).toString('base64url')
  };
  await writeHtpasswd(layout.htpasswdFile, internal.username, internal.password);

  const { upstream, registryProcess } = await startOnFreePort(layout, basicAuthorization(internal));

  const client = new RegistryClient(`http://${upstream}`, internal);
  const tokens = new AuthorizationTokens(options.state, options.tokenTtlSeconds);
  const storedListeners: ((repository: string, digest: string) => void)[] = [];
  const frontDoor = createRegistryFrontDoor({
    upstream,
    internalCredentials: internal,
    tokens,
    policy: {
      ...options.policy,
      manifestStored: (name, digest, at) => {
        options.policy.manifestStored(name, digest, at);
        for (const listener of storedListeners) listener(name, digest);
      }
    },
    client,
    registryId: options.registryId
  });
  let port: number;
  try {
    port = await listenOnLoopback(frontDoor, options.port);
  } catch (error) {
    await registryProcess.stop();
    throw error;
  }
  const host = `127.0.0.1:${port}`;
  writeDockerConfig(layout.dockerConfigDir, host, internal);

  return {
    host,
    client,
    tokens,
    dockerConfigDir: layout.dockerConfigDir,
    internalCredentials: () => ({ ...internal, serverAddress: host }),
    onManifestStored: (listener) => void storedListeners.push(listener),
    running: () => registryProcess.running(),
    stop: async () => {
      frontDoor.closeAllConnections();
      await new Promise<void>((resolve) => frontDoor.close(() => resolve()));
      await registryProcess.stop();
    }
  };
}

/** docker-registry on a free loopback port, choosing again if another process takes the port first. */
async function startOnFreePort(
  layout: RegistryLayout,
  authorization: string
): Promise<{ upstream: string; registryProcess: RegistryProcess }> {
  for (let attempt = 1; ; attempt += 1) {
    const upstream = `127.0.0.1:${await freePort()}`;
    writeFileSync(
      layout.configFile,
      registryConfig({
        listenAddress: upstream,
        storageDir: layout.storageDir,
        htpasswdFile: layout.htpasswdFile,
        httpSecret: randomBytes(24).toString('base64url')
      }),
      { mode: 0o600 }
    );
    try {
      return { upstream, registryProcess: await startRegistryProcess(layout, upstream, authorization) };
    } catch (error) {
      if (!(error instanceof RegistryPortTaken) || attempt === 3) throw error;
    }
  }
}

function writeDockerConfig(dir: string, host: string, credentials: RegistryCredentials): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const auth = basicAuthorization(credentials).slice('Basic '.length);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [host]: { auth } } }, null, 2), {
    mode: 0o600
  });
}

async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Registry port ${port} is already in use. Choose another with --registry-port.`)
          : error
      )
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
