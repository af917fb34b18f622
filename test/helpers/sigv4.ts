import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A request as a test server received it. */
export interface ReceivedRequest {
  method: string;
  /** The request target: path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Checks a request's SigV4 Authorization header from the published algorithm, independently of the
 * signer under test: canonical request, string to sign, derived key, signature. Requests without a query
 * string only.
 */
export function verifySigV4(
  request: ReceivedRequest,
  secretAccessKey: string
): { valid: boolean; scope: string } {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(
      String(request.headers.authorization)
    );
  if (!match) return { valid: false, scope: '' };
  const [, , scope, signedHeaders, signature] = match as unknown as [string, string, string, string, string];
  const [date, region, service] = scope.split('/') as [string, string, string];
  const canonicalUri = request.path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names
    .map((name) => `${name}:${String(request.headers[name]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    canonicalUri,
    '',
    canonicalHeaders,
    signedHeaders,
    sha256(request.body)
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    String(request.headers['x-amz-date']),
    scope,
    sha256(canonicalRequest)
  ].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  return { valid: hmac(key, stringToSign).toString('hex') === signature, scope };
}
