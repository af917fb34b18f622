import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './errors.js';

/** A chunk header (`<hex size>;chunk-signature=<sig>`) or trailer line longer than this is not aws-chunked. */
const MAX_LINE_BYTES = 8 * 1024;

const incompleteBody = () =>
  new S3Error(
    'IncompleteBody',
    'You did not provide the number of bytes specified by the Content-Length HTTP header',
    400
  );

const malformedChunk = (what: string) =>
  new S3Error('InvalidRequest', `The aws-chunked body is malformed: ${what}.`, 400);

/**
 * Whether a body is in SigV4's streaming format (`Content-Encoding: aws-chunked`, an
 * `x-amz-content-sha256` of `STREAMING-…`), as the SDKs and AWS CLI send uploads.
 */
export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const sha = headers['x-amz-content-sha256'];
  const encoding = String(headers['content-encoding'] ?? '');
  return (typeof sha === 'string' && sha.startsWith('STREAMING-')) || /(^|,)\s*aws-chunked\b/.test(encoding);
}

/**
 * Decodes an aws-chunked body into the object's bytes: `<hex size>[;chunk-signature=…]\r\n<data>\r\n`
 * repeated, a zero-size chunk, then optional trailers (`x-amz-checksum-crc32:…`) and an empty line. Chunk
 * signatures are not verified (the stack's credentials are dummies); the framing is. Trailers are
 * collected in `trailers` once the stream ends.
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers: Record<string, string> = {};
  private pending: Buffer = Buffer.alloc(0);
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private remaining = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      this.consume();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    done(
      this.state === 'done' || (this.state === 'trailer' && this.pending.length === 0)
        ? null
        : incompleteBody()
    );
  }

  private consume(): void {
    while (this.pending.length > 0) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, this.pending.length);
        this.push(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') throw malformedChunk('bytes follow the final chunk');
      const line = this.line();
      if (line === undefined) return;
      if (this.state === 'data-end') {
        if (line !== '') throw malformedChunk('a chunk is longer than its declared size');
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = /^([0-9a-fA-F]{1,16})(;.*)?$/.exec(line)?.[1];
        if (size === undefined) throw malformedChunk(`the chunk header "${line.slice(0, 80)}" has no size`);
        this.remaining = parseInt(size, 16);
        this.state = this.remaining === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.state = 'done';
      } else {
        const separator = line.indexOf(':');
        if (separator < 1) throw malformedChunk(`the trailer "${line.slice(0, 80)}" has no value`);
        this.trailers[line.slice(0, separator).trim().toLowerCase()] = line.slice(separator + 1).trim();
      }
    }
  }

  /** The next CRLF-terminated line, or undefined until it has fully arrived. */
  private line(): string | undefined {
    const end = this.pending.indexOf('\r\n');
    if (end < 0) {
      if (this.pending.length > MAX_LINE_BYTES) throw malformedChunk('a chunk header has no line end');
      return undefined;
    }
    const line = this.pending.subarray(0, end).toString('latin1');
    this.pending = this.pending.subarray(end + 2);
    return line;
  }
}
