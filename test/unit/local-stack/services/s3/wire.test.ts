import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { addressOf, virtualHostedBucket } from '../../../../../src/local-stack/services/s3/addressing.js';
import { objectBody } from '../../../../../src/local-stack/services/s3/body.js';
import {
  listPage,
  continuationToken,
  readContinuationToken
} from '../../../../../src/local-stack/services/s3/listing.js';
import { parseObjectUrl } from '../../../../../src/local-stack/services/s3/locations.js';
import { requestedRange } from '../../../../../src/local-stack/services/s3/operations.js';
import type { ObjectRecord } from '../../../../../src/local-stack/services/s3/store.js';
import { xmlChildren, xmlDocument, xmlText } from '../../../../../src/local-stack/services/s3/xml.js';
import { createHash } from 'node:crypto';

const head = (path: string, host = '127.0.0.1:4566') => ({
  method: 'GET',
  path,
  query: new URLSearchParams(),
  headers: { host }
});

describe('S3 addressing', () => {
  it.each([
    ['127.0.0.1:4566', '/models/a/b.txt', { bucket: 'models', key: 'a/b.txt' }],
    ['localhost:4566', '/models', { bucket: 'models' }],
    ['localhost:4566', '/', {}],
    ['models.localhost:4566', '/a/b.txt', { bucket: 'models', key: 'a/b.txt' }],
    ['my.models.s3.us-east-1.amazonaws.com', '/k', { bucket: 'my.models', key: 'k' }],
    ['models.s3.amazonaws.com', '/', { bucket: 'models' }],
    ['s3.amazonaws.com', '/models/k', { bucket: 'models', key: 'k' }]
  ])('Host %s, path %s', (host, path, expected) => {
    expect(addressOf(head(path, host))).toEqual(expected);
  });

  it('refuses keys over 1024 bytes', () => {
    expect(() => addressOf(head(`/b/${'k'.repeat(1025)}`))).toThrow(
      expect.objectContaining({ code: 'KeyTooLongError' })
    );
  });

  it('tells virtual-hosted hosts from path-style ones', () => {
    expect(virtualHostedBucket('127.0.0.1:9000')).toBeUndefined();
    expect(virtualHostedBucket('s3.eu-west-1.amazonaws.com')).toBeUndefined();
    expect(virtualHostedBucket('b.s3-eu-west-1.amazonaws.com')).toBe('b');
  });

  it.each([
    ['https://s3.amazonaws.com/b/k/x.yaml', { bucket: 'b', key: 'k/x.yaml' }],
    ['https://b.s3.amazonaws.com/k/x.yaml', { bucket: 'b', key: 'k/x.yaml' }],
    ['https://b.s3.eu-west-1.amazonaws.com/k%20x', { bucket: 'b', key: 'k x' }],
    ['http://127.0.0.1:4566/b/k', { bucket: 'b', key: 'k' }],
    ['https://example.com/b/k', undefined],
    ['s3://b/k', undefined]
  ])('object URL %s', (url, expected) => {
    expect(parseObjectUrl(url)).toEqual(expected);
  });
});

describe('S3 listings', () => {
  const records = ['a', 'p/1', 'p/2', 'p/q/3', 'p/q/4', 'p/r/5', 'z'].map((Key) => ({ Key }) as ObjectRecord);

  it('rolls keys up into common prefixes and pages keys and prefixes together', () => {
    const under = records.filter((record) => record.Key.startsWith('p/'));
    const first = listPage(under, { prefix: 'p/', delimiter: '/', maxKeys: 3 });
    expect(first.contents.map((record) => record.Key)).toEqual(['p/1', 'p/2']);
    expect(first.commonPrefixes).toEqual(['p/q/']);
    expect(first.truncated).toBe(true);
    const token = readContinuationToken(continuationToken(first.last!));
    const second = listPage(under, { prefix: 'p/', delimiter: '/', maxKeys: 3, ...token });
    expect(second.commonPrefixes).toEqual(['p/r/']);
    expect(second.contents).toEqual([]);
    expect(second.truncated).toBe(false);
  });

  it('refuses continuation tokens it did not give', () => {
    expect(() => readContinuationToken('bogus')).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' })
    );
  });
});

describe('S3 request details', () => {
  it.each([
    ['bytes=0-4', 11, { start: 0, end: 4 }],
    ['bytes=6-', 11, { start: 6, end: 10 }],
    ['bytes=-5', 11, { start: 6, end: 10 }],
    ['bytes=3-100', 11, { start: 3, end: 10 }],
    ['bytes=0-1,4-5', 11, undefined],
    [undefined, 11, undefined]
  ])('Range %s of %d bytes', (header, size, expected) => {
    expect(requestedRange(header, size)).toEqual(expected);
  });

  it('refuses an unsatisfiable range with InvalidRange', () => {
    expect(() => requestedRange('bytes=11-', 11)).toThrow(
      expect.objectContaining({ code: 'InvalidRange', status: 416 })
    );
  });

  it('writes and reads the XML S3 uses', () => {
    const document = xmlDocument('DeleteResult', { Deleted: [{ Key: 'a&b' }, { Key: '<c>' }] });
    expect(document).toContain('<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">');
    expect(document).toContain(
      '<Deleted><Key>a&amp;b</Key></Deleted><Deleted><Key>&lt;c&gt;</Key></Deleted>'
    );
    const request = '<Delete><Object><Key>a&amp;b&#x41;</Key></Object><Quiet>true</Quiet></Delete>';
    expect(xmlChildren(request, 'Object').map((object) => xmlText(object, 'Key'))).toEqual(['a&bA']);
    expect(() => xmlText('<Key>&bogus;</Key>', 'Key')).toThrow(
      expect.objectContaining({ code: 'MalformedXML' })
    );
  });
});

describe('aws-chunked upload bodies', () => {
  const crc32 = (bytes: Buffer) => {
    let crc = 0xffffffff;
    for (const byte of bytes) {
      crc ^= byte;
      for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
    const out = Buffer.alloc(4);
    out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
    return out.toString('base64');
  };
  const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest();

  const chunked = (data: Buffer, trailer: string) =>
    Buffer.concat([
      Buffer.from(`5;chunk-signature=abc\r\n`),
      data.subarray(0, 5),
      Buffer.from(`\r\n${(data.length - 5).toString(16)}\r\n`),
      data.subarray(5),
      Buffer.from(`\r\n0\r\n${trailer}\r\n\r\n`)
    ]);

  const headers = (data: Buffer) => ({
    'content-encoding': 'aws-chunked',
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'x-amz-trailer': 'x-amz-checksum-crc32',
    'x-amz-decoded-content-length': String(data.length)
  });

  it('decodes the chunks and verifies the checksum trailer', async () => {
    const data = Buffer.from('hello chunked world');
    const upload = objectBody(
      headers(data),
      Readable.from([chunked(data, `x-amz-checksum-crc32:${crc32(data)}`)])
    );
    const decoded = await buffer(upload.body);
    expect(decoded.toString()).toBe('hello chunked world');
    expect(() => upload.verify(md5(decoded))).not.toThrow();
    expect(upload.checksums()).toEqual({ 'x-amz-checksum-crc32': crc32(data) });
  });

  it('refuses a body whose trailer checksum differs with BadDigest', async () => {
    const data = Buffer.from('hello chunked world');
    const upload = objectBody(headers(data), Readable.from([chunked(data, 'x-amz-checksum-crc32:AAAAAA==')]));
    const decoded = await buffer(upload.body);
    expect(() => upload.verify(md5(decoded))).toThrow(expect.objectContaining({ code: 'BadDigest' }));
  });

  it('refuses a body cut short', async () => {
    const data = Buffer.from('hello chunked world');
    const upload = objectBody(headers(data), Readable.from([chunked(data, '').subarray(0, 20)]));
    await expect(buffer(upload.body)).rejects.toMatchObject({ code: 'IncompleteBody' });
  });
});
