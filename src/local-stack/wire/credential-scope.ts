import type { IncomingHttpHeaders } from 'node:http';

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/**
 * Reads the SigV4 credential scope from the Authorization header (or a presigned URL's X-Amz-Credential).
 * The local stack routes on it and takes the region from it; it does not verify signatures, since the
 * credentials it hands out are dummies.
 */
export function readCredentialScope(
  headers: IncomingHttpHeaders,
  query: URLSearchParams
): CredentialScope | undefined {
  const authorization = headers['authorization'];
  const credential =
    (typeof authorization === 'string' ? /Credential=([^,\s]+)/.exec(authorization)?.[1] : undefined) ??
    query.get('X-Amz-Credential') ??
    undefined;
  if (!credential) return undefined;
  const [accessKeyId, date, region, service] = credential.split('/');
  if (!accessKeyId || !date || !region || !service) return undefined;
  return { accessKeyId, date, region, service };
}
