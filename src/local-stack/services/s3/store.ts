import { createHash, randomUUID } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync
} from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomically } from '../../state.js';
import { noSuchBucket, noSuchKey, noSuchUpload, S3Error } from './errors.js';

export interface BucketRecord {
  Name: string;
  CreationDate: Date;
  /** The bucket's region (its LocationConstraint, us-east-1 without one). */
  Region: string;
}

/** What S3 returns with an object besides its bytes. */
export interface ObjectAttributes {
  ContentType: string;
  /** x-amz-meta-* headers, without the prefix, names lower-cased as S3 stores them. */
  Metadata: Record<string, string>;
  /** Content-Encoding, Content-Disposition, Content-Language, Cache-Control, Expires, as given. */
  Headers: Record<string, string>;
}

export interface ObjectRecord extends ObjectAttributes {
  Key: string;
  Size: number;
  /** Quoted, as S3 sends it: the MD5 of the bytes, or of the parts' MD5s with `-<parts>` (multipart). */
  ETag: string;
  LastModified: Date;
  /** The file under the bucket's objects/ directory holding the bytes. */
  file: string;
}

interface UploadRecord extends ObjectAttributes {
  Key: string;
  UploadId: string;
  Initiated: Date;
}

interface PartRecord {
  PartNumber: number;
  ETag: string;
  Size: number;
  file: string;
}

/** Called with the body's MD5 once all of it is written, before it replaces anything; throws to refuse it. */
export type BeforeCommit = (md5: Buffer) => void;

/** S3's minimum size of every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/**
 * One account's buckets and objects, on disk under `root` (not in the JSON state: objects are large).
 * Object bytes are written to a new file and the object's metadata replaced atomically after, so a
 * reader or a crash sees the old object or the new one, never half of one. Other services read objects
 * in-process through `get`, `read` and `list` (CloudFormation's TemplateURL, SageMaker's ModelDataUrl).
 */
export class ObjectStore {
  private readonly buckets = new Map<string, { record: BucketRecord; objects: Map<string, ObjectRecord> }>();

  constructor(readonly root: string) {
    this.load();
  }

  bucket(name: string): BucketRecord | undefined {
    return this.buckets.get(name)?.record;
  }

  requireBucket(name: string): BucketRecord {
    return this.entry(name).record;
  }

  listBuckets(): BucketRecord[] {
    return [...this.buckets.values()]
      .map((entry) => entry.record)
      .sort((a, b) => compareKeys(a.Name, b.Name));
  }

  createBucket(name: string, region: string): BucketRecord {
    if (this.buckets.has(name)) {
      throw new S3Error(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
        { BucketName: name }
      );
    }
    const record: BucketRecord = { Name: name, CreationDate: new Date(), Region: region };
    mkdirSync(join(this.bucketDir(name), 'objects'), { recursive: true });
    writeFileAtomically(join(this.bucketDir(name), 'bucket.json'), JSON.stringify(record));
    this.buckets.set(name, { record, objects: new Map() });
    return record;
  }

  deleteBucket(name: string): void {
    const entry = this.entry(name);
    if (entry.objects.size > 0) {
      throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, {
        BucketName: name
      });
    }
    this.buckets.delete(name);
    rmSync(this.bucketDir(name), { recursive: true, force: true });
  }

  /** The object's record; NoSuchBucket or NoSuchKey as S3 gives them. */
  head(bucket: string, key: string): ObjectRecord {
    const record = this.entry(bucket).objects.get(key);
    if (!record) throw noSuchKey(key);
    return record;
  }

  /** Every object of the bucket, in S3's listing order (UTF-8 byte order of keys). */
  list(bucket: string, prefix = ''): ObjectRecord[] {
    return [...this.entry(bucket).objects.values()]
      .filter((record) => record.Key.startsWith(prefix))
      .sort((a, b) => compareKeys(a.Key, b.Key));
  }

  /** The object's bytes from `start` to `end` (inclusive), or all of them. */
  read(
    bucket: string,
    key: string,
    range?: { start: number; end: number }
  ): { record: ObjectRecord; body: Readable } {
    const record = this.head(bucket, key);
    const path = join(this.bucketDir(bucket), 'objects', record.file);
    const body = record.Size === 0 ? Readable.from([]) : createReadStream(path, range ?? {});
    return { record, body };
  }

  /** The whole object, for services that read small objects (templates). */
  async get(bucket: string, key: string): Promise<Buffer> {
    const record = this.head(bucket, key);
    return readFile(join(this.bucketDir(bucket), 'objects', record.file));
  }

  /** Stores an object, replacing any of the same key; resolves once it is durable. */
  async put(
    bucket: string,
    key: string,
    body: Readable | Buffer | string,
    attributes: Partial<ObjectAttributes> = {},
    beforeCommit?: BeforeCommit
  ): Promise<ObjectRecord> {
    this.entry(bucket);
    const written = await this.write(
      bucket,
      typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body
    );
    try {
      beforeCommit?.(written.md5);
      return this.commit(bucket, {
        ...withDefaults(attributes),
        Key: key,
        Size: written.size,
        ETag: `"${written.md5.toString('hex')}"`,
        LastModified: new Date(),
        file: written.file
      });
    } catch (error) {
      rmSync(join(this.bucketDir(bucket), 'objects', written.file), { force: true });
      throw error;
    }
  }

  deleteObject(bucket: string, key: string): void {
    const entry = this.entry(bucket);
    const record = entry.objects.get(key);
    if (!record) return;
    entry.objects.delete(key);
    rmSync(this.metadataPath(bucket, key), { force: true });
    rmSync(join(this.bucketDir(bucket), 'objects', record.file), { force: true });
  }

  createUpload(bucket: string, key: string, attributes: Partial<ObjectAttributes>): string {
    this.entry(bucket);
    const upload: UploadRecord = {
      ...withDefaults(attributes),
      Key: key,
      UploadId: randomUUID().replace(/-/g, ''),
      Initiated: new Date()
    };
    mkdirSync(this.uploadDir(bucket, upload.UploadId), { recursive: true });
    writeFileAtomically(join(this.uploadDir(bucket, upload.UploadId), 'upload.json'), JSON.stringify(upload));
    return upload.UploadId;
  }

  async putPart(
    bucket: string,
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    beforeCommit?: BeforeCommit
  ): Promise<string> {
    const directory = this.uploadDir(bucket, this.upload(bucket, key, uploadId).UploadId);
    const written = await this.write(bucket, body);
    const path = join(this.bucketDir(bucket), 'objects', written.file);
    try {
      beforeCommit?.(written.md5);
      this.upload(bucket, key, uploadId);
      const part: PartRecord = {
        PartNumber: partNumber,
        ETag: `"${written.md5.toString('hex')}"`,
        Size: written.size,
        file: written.file
      };
      const previous = this.part(directory, partNumber);
      writeFileAtomically(join(directory, `${partNumber}.json`), JSON.stringify(part));
      if (previous) rmSync(join(this.bucketDir(bucket), 'objects', previous.file), { force: true });
      return part.ETag;
    } catch (error) {
      rmSync(path, { force: true });
      throw error;
    }
  }

  /**
   * Joins the named parts into the object, as S3 does: parts in ascending order, each uploaded with the
   * ETag given, all but the last at least 5 MiB. The ETag is the MD5 of the parts' MD5s, `-<count>`.
   */
  async completeUpload(
    bucket: string,
    key: string,
    uploadId: string,
    parts: { PartNumber: number; ETag: string }[]
  ): Promise<ObjectRecord> {
    const upload = this.upload(bucket, key, uploadId);
    const directory = this.uploadDir(bucket, uploadId);
    if (parts.length === 0) {
      throw new S3Error(
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
        400
      );
    }
    const stored: PartRecord[] = [];
    for (const [index, given] of parts.entries()) {
      if (index > 0 && given.PartNumber <= (parts[index - 1]?.PartNumber ?? 0)) {
        throw new S3Error(
          'InvalidPartOrder',
          'The list of parts was not in ascending order. Parts must be ordered by part number.',
          400,
          { UploadId: uploadId }
        );
      }
      const part = this.part(directory, given.PartNumber);
      if (!part || normalizeETag(given.ETag) !== part.ETag) {
        throw new S3Error(
          'InvalidPart',
          "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
          400,
          { UploadId: uploadId, PartNumber: String(given.PartNumber), ETag: given.ETag }
        );
      }
      stored.push(part);
    }
    const small = stored.slice(0, -1).find((part) => part.Size < MIN_PART_BYTES);
    if (small) {
      throw new S3Error(
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed object size.',
        400,
        {
          ProposedSize: String(small.Size),
          MinSizeAllowed: String(MIN_PART_BYTES),
          PartNumber: String(small.PartNumber),
          ETag: small.ETag
        }
      );
    }
    const objects = join(this.bucketDir(bucket), 'objects');
    const joined = await this.write(
      bucket,
      Readable.from(
        (async function* () {
          for (const part of stored) yield* createReadStream(join(objects, part.file));
        })()
      )
    );
    const md5s = createHash('md5');
    for (const part of stored) md5s.update(Buffer.from(part.ETag.slice(1, -1), 'hex'));
    const record = this.commit(bucket, {
      Key: key,
      ContentType: upload.ContentType,
      Metadata: upload.Metadata,
      Headers: upload.Headers,
      Size: joined.size,
      ETag: `"${md5s.digest('hex')}-${stored.length}"`,
      LastModified: new Date(),
      file: joined.file
    });
    await this.removeUpload(bucket, uploadId);
    return record;
  }

  async abortUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    this.upload(bucket, key, uploadId);
    await this.removeUpload(bucket, uploadId);
  }

  /** Forgets every bucket and object (`modelship local reset`). */
  reset(): void {
    this.buckets.clear();
    rmSync(this.root, { recursive: true, force: true });
  }

  private entry(name: string) {
    const entry = this.buckets.get(name);
    if (!entry) throw noSuchBucket(name);
    return entry;
  }

  private bucketDir(name: string): string {
    return join(this.root, 'buckets', name);
  }

  private uploadDir(bucket: string, uploadId: string): string {
    return join(this.bucketDir(bucket), 'uploads', uploadId);
  }

  private metadataPath(bucket: string, key: string): string {
    return join(this.bucketDir(bucket), 'objects', `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  private upload(bucket: string, key: string, uploadId: string): UploadRecord {
    this.entry(bucket);
    const path = /^[0-9a-f]{32}$/.test(uploadId)
      ? join(this.uploadDir(bucket, uploadId), 'upload.json')
      : undefined;
    const upload =
      path && existsSync(path)
        ? (reviveDates(JSON.parse(readFileSync(path, 'utf8'))) as UploadRecord)
        : undefined;
    if (!upload || upload.Key !== key) throw noSuchUpload(uploadId);
    return upload;
  }

  private part(directory: string, partNumber: number): PartRecord | undefined {
    const path = join(directory, `${partNumber}.json`);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as PartRecord) : undefined;
  }

  private async removeUpload(bucket: string, uploadId: string): Promise<void> {
    const directory = this.uploadDir(bucket, uploadId);
    const objects = join(this.bucketDir(bucket), 'objects');
    for (const name of readdirSync(directory).filter((file) => /^\d+\.json$/.test(file))) {
      const part = this.part(directory, Number(name.slice(0, -'.json'.length)));
      if (part) await rm(join(objects, part.file), { force: true });
    }
    await rm(directory, { recursive: true, force: true });
  }

  /** Streams a body to a new file of the bucket, counting and hashing it on the way. */
  private async write(bucket: string, body: Readable): Promise<{ file: string; size: number; md5: Buffer }> {
    const file = `${randomUUID()}.data`;
    const path = join(this.bucketDir(bucket), 'objects', file);
    const md5 = createHash('md5');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      }
    });
    try {
      await pipeline(body, measure, createWriteStream(path));
    } catch (error) {
      await rm(path, { force: true });
      // A bucket deleted while the body arrived has no directory left to write to.
      if (!this.buckets.has(bucket)) throw noSuchBucket(bucket);
      throw error;
    }
    return { file, size, md5: md5.digest() };
  }

  private commit(bucket: string, record: ObjectRecord): ObjectRecord {
    const entry = this.entry(bucket);
    const previous = entry.objects.get(record.Key);
    writeFileAtomically(this.metadataPath(bucket, record.Key), JSON.stringify(record));
    entry.objects.set(record.Key, record);
    if (previous) rmSync(join(this.bucketDir(bucket), 'objects', previous.file), { force: true });
    return record;
  }

  /** Reads every bucket's records; object files no record names (a write a crash interrupted) are removed. */
  private load(): void {
    const directory = join(this.root, 'buckets');
    if (!existsSync(directory)) return;
    for (const name of readdirSync(directory)) {
      const path = join(directory, name, 'bucket.json');
      if (!existsSync(path)) continue;
      const record = reviveDates(JSON.parse(readFileSync(path, 'utf8'))) as BucketRecord;
      const objects = new Map<string, ObjectRecord>();
      const objectDir = join(directory, name, 'objects');
      const files = existsSync(objectDir) ? readdirSync(objectDir) : [];
      for (const file of files.filter((file) => file.endsWith('.json'))) {
        const object = reviveDates(JSON.parse(readFileSync(join(objectDir, file), 'utf8'))) as ObjectRecord;
        objects.set(object.Key, object);
      }
      const referenced = new Set([...objects.values()].map((object) => object.file));
      const uploads = join(directory, name, 'uploads');
      for (const upload of existsSync(uploads) ? readdirSync(uploads) : []) {
        for (const part of readdirSync(join(uploads, upload)).filter((file) => /^\d+\.json$/.test(file))) {
          referenced.add((JSON.parse(readFileSync(join(uploads, upload, part), 'utf8')) as PartRecord).file);
        }
      }
      for (const file of files.filter((file) => file.endsWith('.data') && !referenced.has(file))) {
        rmSync(join(objectDir, file), { force: true });
      }
      this.buckets.set(name, { record, objects });
    }
  }
}

/** S3 orders keys by their UTF-8 bytes, which differs from JavaScript's UTF-16 order above U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** An ETag as a client may give it back: quoted or not. */
function normalizeETag(etag: string): string {
  const bare = etag.trim().replace(/^"|"$/g, '');
  return `"${bare}"`;
}

function withDefaults(attributes: Partial<ObjectAttributes>): ObjectAttributes {
  return {
    ContentType: attributes.ContentType ?? DEFAULT_CONTENT_TYPE,
    Metadata: attributes.Metadata ?? {},
    Headers: attributes.Headers ?? {}
  };
}

function reviveDates<T extends object>(record: T): T {
  for (const member of ['CreationDate', 'LastModified', 'Initiated'] as const) {
    const value = (record as Record<string, unknown>)[member];
    if (typeof value === 'string') (record as Record<string, unknown>)[member] = new Date(value);
  }
  return record;
}
