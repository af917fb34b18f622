import { createHash, type Hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { badDigest, invalidArgument, S3Error } from './errors.js';

/** A running checksum of the bytes seen so far; `digest()` is S3's base64 form. */
interface Checksum {
  update(chunk: Buffer): void;
  digest(): string;
}

/** CRC-32 and CRC-32C differ only in their (reflected) polynomial. */
function crcTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ polynomial : crc >>> 1;
    table[byte] = crc >>> 0;
  }
  return table;
}

function crc(table: Uint32Array): Checksum {
  let value = 0xffffffff;
  return {
    update(chunk) {
      for (const byte of chunk) value = (table[(value ^ byte) & 0xff] ?? 0) ^ (value >>> 8);
    },
    digest() {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE((value ^ 0xffffffff) >>> 0);
      return bytes.toString('base64');
    }
  };
}

function hash(algorithm: string): Checksum {
  const state: Hash = createHash(algorithm);
  return { update: (chunk) => void state.update(chunk), digest: () => state.digest('base64') };
}

const CRC32 = crcTable(0xedb88320);
const CRC32C = crcTable(0x82f63b78);

/** The flexible checksums S3 verifies, by the suffix of their `x-amz-checksum-*` header. */
const ALGORITHMS: Record<string, () => Checksum> = {
  crc32: () => crc(CRC32),
  crc32c: () => crc(CRC32C),
  sha1: () => hash('sha1'),
  sha256: () => hash('sha256')
};

/**
 * What a request's body must hash to: Content-MD5, and the `x-amz-checksum-<algorithm>` newer SDKs send
 * as a header or (aws-chunked) a trailer named by `x-amz-trailer`. Fed the decoded body, `verify` throws
 * S3's BadDigest for a mismatch. CRC64NVME is accepted unverified (no implementation in Node's crypto).
 */
export class BodyChecksums {
  private readonly flexible: { algorithm: string; running: Checksum }[] = [];

  constructor(private readonly headers: IncomingHttpHeaders) {
    const trailer = String(headers['x-amz-trailer'] ?? '').toLowerCase();
    for (const [algorithm, make] of Object.entries(ALGORITHMS)) {
      const name = `x-amz-checksum-${algorithm}`;
      if (headers[name] !== undefined || trailer === name) this.flexible.push({ algorithm, running: make() });
    }
  }

  update(chunk: Buffer): void {
    for (const { running } of this.flexible) running.update(chunk);
  }

  /** Throws BadDigest unless the body's `md5`, and the checksums named by headers or trailers, match. */
  verify(md5: Buffer, trailers: Record<string, string>): void {
    const declared = this.headers['content-md5'];
    if (typeof declared === 'string') {
      if (!/^[A-Za-z0-9+/]{22}==$/.test(declared)) {
        throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400);
      }
      if (declared !== md5.toString('base64')) {
        throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
      }
    }
    for (const { algorithm, running } of this.flexible) {
      const name = `x-amz-checksum-${algorithm}`;
      const expected = trailers[name] ?? this.headers[name];
      if (typeof expected !== 'string') {
        throw invalidArgument(`The ${name} trailer was declared but not sent.`, name, '');
      }
      if (expected !== running.digest()) throw badDigest(algorithm.toUpperCase());
    }
  }

  /** The checksums the request sent, to echo as S3 does (`x-amz-checksum-crc32: …`). */
  echoed(trailers: Record<string, string>): Record<string, string> {
    const echoed: Record<string, string> = {};
    for (const { algorithm } of this.flexible) {
      const name = `x-amz-checksum-${algorithm}`;
      const value = trailers[name] ?? this.headers[name];
      if (typeof value === 'string') echoed[name] = value;
    }
    return echoed;
  }
}
