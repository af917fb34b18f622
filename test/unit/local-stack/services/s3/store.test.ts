import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { MIN_PART_BYTES, ObjectStore } from '../../../../../src/local-stack/services/s3/store.js';

const md5 = (bytes: Buffer | string) => createHash('md5').update(bytes).digest();

describe('ObjectStore', () => {
  let root: string;
  let store: ObjectStore;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 's3-store-'));
    store = new ObjectStore(root);
    store.createBucket('models', 'us-east-1');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stores objects with their MD5 ETag and reads them back whole or by range', async () => {
    const record = await store.put('models', 'a/b.txt', 'hello world', { ContentType: 'text/plain' });
    expect(record).toMatchObject({
      Size: 11,
      ETag: `"${md5('hello world').toString('hex')}"`,
      ContentType: 'text/plain'
    });
    expect((await store.get('models', 'a/b.txt')).toString()).toBe('hello world');
    expect(await text(store.read('models', 'a/b.txt', { start: 6, end: 10 }).body)).toBe('world');
  });

  it('gives S3 error codes for missing buckets and keys, and refuses to delete a bucket with objects', async () => {
    await expect(store.get('models', 'absent')).rejects.toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect(() => store.head('absent', 'k')).toThrow(expect.objectContaining({ code: 'NoSuchBucket' }));
    expect(() => store.createBucket('models', 'us-east-1')).toThrow(
      expect.objectContaining({ code: 'BucketAlreadyOwnedByYou', status: 409 })
    );
    await store.put('models', 'k', 'x');
    expect(() => store.deleteBucket('models')).toThrow(expect.objectContaining({ code: 'BucketNotEmpty' }));
    store.deleteObject('models', 'k');
    store.deleteBucket('models');
    expect(store.listBuckets()).toEqual([]);
  });

  it('replaces an object without leaving its old bytes behind, and keeps objects across a restart', async () => {
    await store.put('models', 'k', 'first');
    await store.put('models', 'k', 'second');
    const files = readdirSync(join(root, 'buckets', 'models', 'objects')).filter((file) =>
      file.endsWith('.data')
    );
    expect(files).toHaveLength(1);
    const reopened = new ObjectStore(root);
    expect((await reopened.get('models', 'k')).toString()).toBe('second');
    expect(reopened.requireBucket('models').CreationDate).toBeInstanceOf(Date);
  });

  it('refuses a body its check rejects, keeping the object it would have replaced', async () => {
    await store.put('models', 'k', 'kept');
    const refused = store.put('models', 'k', 'bad', {}, () => {
      throw new Error('checksum mismatch');
    });
    await expect(refused).rejects.toThrow('checksum mismatch');
    expect((await store.get('models', 'k')).toString()).toBe('kept');
  });

  it('joins multipart uploads with the ETag of the parts’ MD5s, and checks parts as S3 does', async () => {
    const first = Buffer.alloc(MIN_PART_BYTES, 1);
    const second = Buffer.from('tail');
    const uploadId = store.createUpload('models', 'big.bin', { ContentType: 'application/x-tar' });
    const etag1 = await store.putPart('models', 'big.bin', uploadId, 1, Readable.from([first]));
    const etag2 = await store.putPart('models', 'big.bin', uploadId, 2, Readable.from([second]));
    await expect(
      store.completeUpload('models', 'big.bin', uploadId, [
        { PartNumber: 2, ETag: etag2 },
        { PartNumber: 1, ETag: etag1 }
      ])
    ).rejects.toMatchObject({ code: 'InvalidPartOrder' });
    await expect(
      store.completeUpload('models', 'big.bin', uploadId, [{ PartNumber: 1, ETag: '"0123"' }])
    ).rejects.toMatchObject({ code: 'InvalidPart' });
    const record = await store.completeUpload('models', 'big.bin', uploadId, [
      { PartNumber: 1, ETag: etag1.slice(1, -1) },
      { PartNumber: 2, ETag: etag2 }
    ]);
    const expected = createHash('md5')
      .update(Buffer.concat([md5(first), md5(second)]))
      .digest('hex');
    expect(record).toMatchObject({
      ETag: `"${expected}-2"`,
      Size: first.length + 4,
      ContentType: 'application/x-tar'
    });
    expect((await store.get('models', 'big.bin')).subarray(-4).toString()).toBe('tail');
    await expect(store.abortUpload('models', 'big.bin', uploadId)).rejects.toMatchObject({
      code: 'NoSuchUpload'
    });
  });

  it('refuses parts smaller than 5 MiB but the last', async () => {
    const uploadId = store.createUpload('models', 'small', {});
    const etag1 = await store.putPart('models', 'small', uploadId, 1, Readable.from([Buffer.from('a')]));
    const etag2 = await store.putPart('models', 'small', uploadId, 2, Readable.from([Buffer.from('b')]));
    await expect(
      store.completeUpload('models', 'small', uploadId, [
        { PartNumber: 1, ETag: etag1 },
        { PartNumber: 2, ETag: etag2 }
      ])
    ).rejects.toMatchObject({ code: 'EntityTooSmall' });
  });
});
