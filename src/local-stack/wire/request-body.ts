import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { payloadTooLarge } from './errors.js';

const MiB = 1024 * 1024;

/**
 * The most a request body may hold when neither the operation nor the route says otherwise. AWS documents
 * per-operation limits only; these leave room for every input the local services take.
 */
export const BODY_LIMITS = {
  /** JSON control planes (ECR, SageMaker): their largest inputs (model cards, policies) are ~100 KiB. */
  json: MiB,
  /**
   * Query calls (CloudFormation, STS): CloudFormation's TemplateBody of 51,200 bytes is up to 150 KiB once
   * percent-encoded; the rest is headroom for its parameters and tags. TemplateBody's own limit is
   * CloudFormation's ValidationError, as on AWS.
   */
  query: MiB,
  /** The stack's own control routes (fault rules). */
  control: 64 * 1024
};

/**
 * Reads a request body of at most `maxBytes`. A declared Content-Length over the limit is refused before
 * a byte is read; a body that grows past it (chunked) is refused the moment it does, and whatever the client
 * still sends is discarded as it arrives, never kept, so the connection can carry the answer.
 * `beforeReading` runs once the body is accepted by its declared length (to send 100 Continue).
 */
export function readBody(
  incoming: IncomingMessage,
  maxBytes: number,
  beforeReading?: () => void
): Promise<Buffer> {
  if (Number(incoming.headers['content-length'] ?? 0) > maxBytes) {
    return Promise.reject(payloadTooLarge(maxBytes));
  }
  beforeReading?.();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes) return void chunks.push(chunk);
      incoming.off('data', onData);
      chunks.length = 0;
      incoming.resume();
      reject(payloadTooLarge(maxBytes));
    };
    incoming.on('data', onData);
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}

/**
 * The body as a stream of at most `maxBytes`, for bodies too large to hold (S3 objects). As readBody: a
 * declared length over the limit is refused unread (thrown), and a body that grows past it fails the
 * stream while the rest is discarded, so the connection can carry the answer. Reading is paused while
 * the consumer is behind.
 */
export function streamBody(
  incoming: IncomingMessage,
  maxBytes: number,
  beforeReading?: () => void
): Readable {
  if (Number(incoming.headers['content-length'] ?? 0) > maxBytes) throw payloadTooLarge(maxBytes);
  beforeReading?.();
  const body = new PassThrough();
  let received = 0;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes) {
      incoming.off('data', onData);
      incoming.resume();
      return void body.destroy(payloadTooLarge(maxBytes));
    }
    if (!body.write(chunk)) {
      incoming.pause();
      body.once('drain', () => incoming.resume());
    }
  };
  incoming.on('data', onData);
  incoming.on('end', () => {
    if (!body.destroyed) body.end();
  });
  incoming.on('error', (error) => body.destroy(error));
  return body;
}
