import type { RequestHead } from '../../wire/types.js';
import { S3Error } from './errors.js';

/** The bucket and key a request names; neither for ListBuckets, no key for bucket operations. */
export interface S3Address {
  bucket?: string;
  key?: string;
}

/**
 * The bucket of a virtual-hosted address: `<bucket>.localhost[:port]`, or `<bucket>.s3.<anything>` /
 * `<bucket>.s3-<region>.<anything>` as AWS's hostnames are. `127.0.0.1`, `localhost` and `s3.amazonaws.com`
 * are path-style.
 */
export function virtualHostedBucket(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  const aws = /^(.+)\.s3[.-]/.exec(name)?.[1];
  if (aws !== undefined) return aws;
  return name.endsWith('.localhost') ? name.slice(0, -'.localhost'.length) : undefined;
}

/** S3's limit on a key's length, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/** The bucket and key of a path-style (`/bucket/key`) or virtual-hosted (`Host: bucket…`, `/key`) request. */
export function addressOf(head: RequestHead): S3Address {
  const host = head.headers.host;
  const virtual = virtualHostedBucket(typeof host === 'string' ? host : undefined);
  let bucket: string | undefined;
  let key: string;
  if (virtual !== undefined) {
    bucket = virtual;
    key = head.path.slice(1);
  } else {
    const [, first = '', rest = ''] = /^\/([^/]*)\/?(.*)$/s.exec(head.path) ?? [];
    if (first === '') return {};
    bucket = first;
    key = rest;
  }
  if (key === '') return { bucket };
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 'Your key is too long', 400, {
      MaxSizeAllowed: String(MAX_KEY_BYTES),
      Size: String(Buffer.byteLength(key))
    });
  }
  return { bucket, key };
}

/** S3's bucket naming rules (general purpose buckets). */
export function checkBucketName(name: string): void {
  const valid =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !/\.\.|\.-|-\./.test(name) &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.endsWith('-s3alias');
  if (!valid) {
    throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
  }
}
