import type { IncomingMessage } from 'node:http';
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
