import { DIGEST_PATTERN, MANIFEST_MEDIA_TYPES } from './media-types.js';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface StoredManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

/** The registry answered something the Registry HTTP API does not allow for the request. */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/**
 * A small client of the Docker Registry HTTP API v2, as the local stack's ECR reads and edits the real
 * registry: tags, manifests by tag or digest (with their digests and media types), deletes by digest.
 */
export class RegistryClient {
  private readonly authorization: string;

  constructor(
    private readonly baseUrl: string,
    credentials: RegistryCredentials
  ) {
    this.authorization = basicAuthorization(credentials);
  }

  /** The repository's tags; none when the registry has never stored anything under the name. */
  async tags(name: string): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${name}/tags/list?n=1000`;
    while (path) {
      const response = await this.request('GET', path);
      if (response.status === 404) {
        await response.arrayBuffer();
        return [];
      }
      await expectStatus(response, [200], `list the tags of ${name}`);
      tags.push(...(((await response.json()) as { tags: string[] | null }).tags ?? []));
      path = nextPage(response.headers.get('link'));
    }
    return tags;
  }

  async manifest(
    name: string,
    reference: string,
    accept: readonly string[] = MANIFEST_MEDIA_TYPES
  ): Promise<StoredManifest | undefined> {
    const response = await this.request('GET', manifestPath(name, reference), { accept: accept.join(', ') });
    if (response.status === 404) {
      await response.arrayBuffer();
      return undefined;
    }
    await expectStatus(response, [200], `read manifest ${name}:${reference}`);
    const body = Buffer.from(await response.arrayBuffer());
    return {
      digest: response.headers.get('docker-content-digest') ?? '',
      mediaType: response.headers.get('content-type') ?? '',
      body
    };
  }

  /** The digest a tag (or digest) resolves to, from a HEAD request; undefined when it does not exist. */
  async manifestDigest(name: string, reference: string): Promise<string | undefined> {
    const response = await this.request('HEAD', manifestPath(name, reference), {
      accept: MANIFEST_MEDIA_TYPES.join(', ')
    });
    if (response.status === 404) return undefined;
    await expectStatus(response, [200], `check manifest ${name}:${reference}`);
    return response.headers.get('docker-content-digest') ?? undefined;
  }

  /** Stores a manifest under a tag or its digest and returns its digest. */
  async putManifest(name: string, reference: string, body: Buffer, mediaType: string): Promise<string> {
    const response = await this.request(
      'PUT',
      manifestPath(name, reference),
      { 'content-type': mediaType },
      body
    );
    await expectStatus(response, [201], `store manifest ${name}:${reference}`);
    await response.arrayBuffer();
    return response.headers.get('docker-content-digest') ?? '';
  }

  /** Deletes a manifest and every tag pointing at it; false when there was none. */
  async deleteManifest(name: string, digest: string): Promise<boolean> {
    if (!DIGEST_PATTERN.test(digest)) throw new RegistryError(400, `'${digest}' is not a sha256 digest`);
    const response = await this.request('DELETE', manifestPath(name, digest));
    if (response.status === 404) {
      await response.arrayBuffer();
      return false;
    }
    await expectStatus(response, [202], `delete manifest ${name}@${digest}`);
    await response.arrayBuffer();
    return true;
  }

  private request(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: Buffer
  ): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: this.authorization, ...headers },
      ...(body !== undefined && { body })
    }).catch((error: unknown) => {
      const reason =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new RegistryError(503, `The registry at ${this.baseUrl} is not answering (${reason}).`);
    });
  }
}

export function basicAuthorization(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

function manifestPath(name: string, reference: string): string {
  return `/v2/${name}/manifests/${reference}`;
}

async function expectStatus(response: Response, expected: number[], action: string): Promise<void> {
  if (expected.includes(response.status)) return;
  const text = await response.text();
  throw new RegistryError(
    response.status,
    `The registry refused to ${action}: HTTP ${response.status} ${text.trim()}`
  );
}

/** The Registry API paginates with an RFC 5988 Link header: `</v2/<name>/tags/list?last=x&n=100>; rel="next"`. */
function nextPage(link: string | null): string | undefined {
  return link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
}
