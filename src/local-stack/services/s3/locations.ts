import { virtualHostedBucket } from './addressing.js';

/** An object's bucket and key. */
export interface ObjectLocation {
  bucket: string;
  key: string;
}

/** `s3://bucket/key` (SageMaker's ModelDataUrl, DataCaptureConfig's DestinationS3Uri); undefined otherwise. */
export function parseS3Uri(uri: string): ObjectLocation | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/s.exec(uri);
  return match ? { bucket: match[1] ?? '', key: match[2] ?? '' } : undefined;
}

/**
 * The object an HTTPS URL of S3 names, as CloudFormation's TemplateURL takes them: path-style
 * (`https://s3.amazonaws.com/b/k`, `https://s3.<region>.amazonaws.com/b/k`), virtual-hosted
 * (`https://b.s3.amazonaws.com/k`, `https://b.s3.<region>.amazonaws.com/k`), and the local endpoint's own
 * addresses (`http://127.0.0.1:<port>/b/k`, `http://b.localhost:<port>/k`). Undefined for any other URL.
 */
export function parseObjectUrl(text: string): ObjectLocation | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const path = decodeURIComponent(url.pathname);
  const bucket = virtualHostedBucket(url.hostname);
  if (bucket !== undefined) return path.length > 1 ? { bucket, key: path.slice(1) } : undefined;
  const pathStyle =
    /^s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/.test(url.hostname) ||
    ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const match = pathStyle ? /^\/([^/]+)\/(.+)$/s.exec(path) : null;
  return match ? { bucket: match[1] ?? '', key: match[2] ?? '' } : undefined;
}
