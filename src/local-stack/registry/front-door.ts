import { createHash, timingSafeEqual } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http';
import { pipeline } from 'node:stream';
import {
  basicAuthorization,
  RegistryError,
  type RegistryClient,
  type RegistryCredentials
} from './client.js';
import { DIGEST_PATTERN } from './media-types.js';
import { immutableTagConflict, type RegistryPolicy } from './policy.js';
import { TOKEN_USERNAME, type AuthorizationTokens } from './tokens.js';

export interface FrontDoorOptions {
  /** host:port of docker-registry on the loopback interface. */
  upstream: string;
  internalCredentials: RegistryCredentials;
  tokens: AuthorizationTokens;
  policy: RegistryPolicy;
  client: RegistryClient;
  registryId: string;
}

/** ECR's limit on a manifest's size. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/**
 * The Registry API's routes under a repository name, which may itself contain slashes (and even
 * `blobs` or `manifests` as a path component): the name is whatever precedes one of the fixed suffixes.
 */
const REPOSITORY_PATH = /^\/v2\/(.+)\/(manifests\/[^/]+|blobs\/uploads\/.*|blobs\/[^/]+|tags\/list)$/;

/**
 * The registry's address as clients see it: a small reverse proxy in front of docker-registry that does
 * what ECR's registry front end does and distribution cannot: it accepts the short-lived `AWS` passwords
 * GetAuthorizationToken hands out (any number at once, each with its expiry), refuses repositories ECR
 * does not know, refuses to move an immutable tag, and records push times. Everything else, uploads
 * included, streams through unchanged, with the Host header kept so upload locations point back here.
 */
export function createRegistryFrontDoor(options: FrontDoorOptions): Server {
  const internalAuthorization = basicAuthorization(options.internalCredentials);
  const tagLocks = new Map<string, Promise<unknown>>();

  return createServer((incoming, outgoing) => {
    void handle(incoming, outgoing).catch((error: unknown) => {
      if (outgoing.headersSent) return void outgoing.destroy();
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof RegistryError && error.status === 503)
        sendError(outgoing, 503, 'UNAVAILABLE', message);
      else sendError(outgoing, 500, 'UNKNOWN', message);
    });
  });

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const refusal = authenticate(incoming.headers.authorization, options);
    if (refusal) {
      incoming.resume();
      outgoing.setHeader('www-authenticate', 'Basic realm="modelship-local"');
      return sendError(outgoing, 401, refusal.code, refusal.message);
    }
    const path = new URL(incoming.url ?? '/', 'http://registry').pathname;
    const match = REPOSITORY_PATH.exec(path);
    if (match) {
      const [, name, route] = match as unknown as [string, string, string];
      if (!options.policy.repositoryExists(name)) {
        incoming.resume();
        return sendError(
          outgoing,
          404,
          'NAME_UNKNOWN',
          `The repository with name '${name}' does not exist in the registry with id '${options.registryId}'`
        );
      }
      if (route.startsWith('manifests/') && incoming.method === 'PUT') {
        const reference = route.slice('manifests/'.length);
        const key = `${name}:${reference}`;
        const previous = tagLocks.get(key) ?? Promise.resolve();
        const current = previous.then(() => putManifest(incoming, outgoing, name, reference));
        tagLocks.set(
          key,
          current.catch(() => undefined)
        );
        return current.finally(() => {
          if (tagLocks.get(key) === current) tagLocks.delete(key);
        });
      }
    }
    await forward(incoming, outgoing, incoming);
  }

  /** Manifests are small: buffered, so the tag rule can be checked against their digest before storing. */
  async function putManifest(
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    name: string,
    reference: string
  ): Promise<void> {
    const body = await readLimited(incoming, MAX_MANIFEST_BYTES);
    if (body === undefined) {
      return sendError(
        outgoing,
        400,
        'MANIFEST_INVALID',
        `The manifest is larger than ${MAX_MANIFEST_BYTES} bytes`
      );
    }
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (!DIGEST_PATTERN.test(reference)) {
      const existing = await immutableTagConflict(options.client, options.policy, name, reference, digest);
      if (existing) {
        return sendError(
          outgoing,
          400,
          'TAG_INVALID',
          `The image tag '${reference}' already exists in the '${name}' repository and cannot be overwritten ` +
            `because the repository is immutable.`
        );
      }
    }
    const status = await forward(incoming, outgoing, body);
    if (status === 201) options.policy.manifestStored(name, digest, new Date());
  }

  /** Relays a request to docker-registry and its answer back; resolves with the status the client got. */
  function forward(
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    body: IncomingMessage | Buffer
  ): Promise<number> {
    return new Promise((resolve) => {
      let status = 502;
      outgoing.once('close', () => resolve(status));
      const [host, port] = splitAddress(options.upstream);
      const headers: IncomingHttpHeaders = { ...incoming.headers, authorization: internalAuthorization };
      if (Buffer.isBuffer(body)) {
        delete headers['transfer-encoding'];
        headers['content-length'] = String(body.length);
      }
      const upstream = httpRequest(
        { host, port, method: incoming.method, path: incoming.url, headers },
        (response) => {
          status = response.statusCode ?? 502;
          outgoing.writeHead(status, response.headers);
          pipeline(response, outgoing, () => undefined);
        }
      );
      upstream.on('error', () => {
        if (outgoing.headersSent) return void outgoing.destroy();
        status = 503;
        sendError(
          outgoing,
          503,
          'UNAVAILABLE',
          'The local registry (docker-registry) is not answering. Check `modelship local status` and retry.'
        );
      });
      if (Buffer.isBuffer(body)) upstream.end(body);
      else pipeline(body, upstream, () => undefined);
    });
  }
}

interface Refusal {
  code: 'UNAUTHORIZED' | 'DENIED';
  message: string;
}

function authenticate(header: string | undefined, options: FrontDoorOptions): Refusal | undefined {
  const credentials = parseBasic(header);
  if (!credentials) return { code: 'UNAUTHORIZED', message: 'authentication required' };
  if (credentials.username === TOKEN_USERNAME) {
    const check = options.tokens.check(credentials.password);
    if (check === 'valid') return undefined;
    if (check === 'expired') {
      return {
        code: 'DENIED',
        message: 'Your authorization token has expired. Reauthenticate and try again.'
      };
    }
    return {
      code: 'UNAUTHORIZED',
      message: 'The authorization token is not valid. Get a new one with GetAuthorizationToken.'
    };
  }
  const internal = options.internalCredentials;
  if (credentials.username === internal.username && sameSecret(credentials.password, internal.password)) {
    return undefined;
  }
  return { code: 'UNAUTHORIZED', message: 'authentication required' };
}

function parseBasic(header: string | undefined): RegistryCredentials | undefined {
  const encoded = header && /^Basic\s+(\S+)$/i.exec(header)?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return undefined;
  return { username: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The Registry API's error body, which docker prints as `<code lowercased>: <message>`. */
function sendError(outgoing: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ code, message, detail: null }] });
  outgoing.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'docker-distribution-api-version': 'registry/2.0'
  });
  outgoing.end(body);
}

function readLimited(incoming: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    incoming.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    incoming.on('error', reject);
  });
}

function splitAddress(address: string): [string, number] {
  const separator = address.lastIndexOf(':');
  return [address.slice(0, separator), Number(address.slice(separator + 1))];
}
