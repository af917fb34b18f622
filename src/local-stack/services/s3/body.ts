import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, Transform, type Readable } from 'node:stream';
import { AwsChunkedDecoder, isAwsChunked } from './chunked.js';
import { BodyChecksums } from './checksums.js';
import { S3Error } from './errors.js';
import type { BeforeCommit } from './store.js';

/** An upload's bytes as the object will hold them, and the checks to run once all of them arrived. */
export interface ObjectBody {
  body: Readable;
  /** Verifies lengths and checksums against the stored bytes' MD5 (passed to the store as BeforeCommit). */
  verify: BeforeCommit;
  /** The checksums the client sent, echoed in the response; complete once the body was read. */
  checksums(): Record<string, string>;
}

/**
 * The object bytes of a PutObject or UploadPart body: aws-chunked bodies (SigV4 streaming, trailers)
 * are decoded, and Content-MD5, `x-amz-checksum-*` and `x-amz-decoded-content-length` checked.
 */
export function objectBody(headers: IncomingHttpHeaders, raw: Readable): ObjectBody {
  const checksums = new BodyChecksums(headers);
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      checksums.update(chunk);
      done(null, chunk);
    }
  });
  const decoder = isAwsChunked(headers) ? new AwsChunkedDecoder() : undefined;
  const fail = () => undefined;
  const body = decoder ? pipeline(raw, decoder, measure, fail) : pipeline(raw, measure, fail);
  const trailers = () => decoder?.trailers ?? {};
  return {
    body,
    verify: (md5) => {
      const declared = headers['x-amz-decoded-content-length'];
      if (decoder && typeof declared === 'string' && Number(declared) !== size) {
        throw new S3Error(
          'IncompleteBody',
          `The decoded body has ${size} bytes, not the ${declared} of x-amz-decoded-content-length.`,
          400
        );
      }
      checksums.verify(md5, trailers());
    },
    checksums: () => checksums.echoed(trailers())
  };
}

/** Content-Type, x-amz-meta-* and the content headers S3 stores with an object. */
export function objectAttributes(headers: IncomingHttpHeaders) {
  const Metadata: Record<string, string> = {};
  const Headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') continue;
    if (name.startsWith('x-amz-meta-')) Metadata[name.slice('x-amz-meta-'.length)] = value;
    else if (STORED_HEADERS.includes(name)) Headers[name] = value;
  }
  // aws-chunked is how the body travelled, not how the object is encoded.
  const encoding = Headers['content-encoding']
    ?.split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part !== 'aws-chunked')
    .join(', ');
  if (encoding) Headers['content-encoding'] = encoding;
  else delete Headers['content-encoding'];
  const metadataBytes = Object.entries(Metadata).reduce(
    (sum, [name, value]) => sum + name.length + value.length,
    0
  );
  if (metadataBytes > 2048) {
    throw new S3Error(
      'MetadataTooLarge',
      'Your metadata headers exceed the maximum allowed metadata size',
      400,
      {
        Size: String(metadataBytes),
        MaxSizeAllowed: '2048'
      }
    );
  }
  const contentType = headers['content-type'];
  return { ...(contentType !== undefined && { ContentType: contentType }), Metadata, Headers };
}

const STORED_HEADERS = [
  'content-encoding',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires'
];
