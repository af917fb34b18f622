import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { RequestContext, StreamedRequest, WireResponse } from '../../wire/types.js';
import { checkBucketName } from './addressing.js';
import { objectAttributes, objectBody } from './body.js';
import { invalidArgument, malformedXml, S3Error } from './errors.js';
import { continuationToken, listPage, readContinuationToken, type ListingRequest } from './listing.js';
import type { ObjectRecord, ObjectStore } from './store.js';
import { escapeXml } from '../../wire/xml.js';
import { S3_NAMESPACE, xmlChildren, xmlDocument, xmlText, type XmlElement } from './xml.js';

/** The one owner every local bucket and object has. */
const OWNER = {
  ID: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a',
  DisplayName: 'local'
};

const MAX_DELETE_OBJECTS = 1000;

/** The bucket and key a request addresses, as routing found them. */
export interface Target {
  bucket: string;
  key: string;
}

type Handler<T> = (request: StreamedRequest, context: RequestContext, target: T) => Promise<WireResponse>;

const xml = (context: RequestContext, root: string, members: XmlElement, status = 200): WireResponse => ({
  status,
  headers: { 'content-type': 'application/xml', 'x-amz-request-id': context.requestId },
  body: xmlDocument(root, members)
});

const empty = (
  context: RequestContext,
  status: number,
  headers: Record<string, string> = {}
): WireResponse => ({
  status,
  headers: { 'x-amz-request-id': context.requestId, ...headers },
  body: ''
});

/** The S3 operations of the local stack, over one account's ObjectStore. */
export function s3Operations(objects: ObjectStore) {
  const ListBuckets = (_request: StreamedRequest, context: RequestContext): Promise<WireResponse> =>
    Promise.resolve(
      xml(context, 'ListAllMyBucketsResult', {
        Owner: OWNER,
        Buckets: {
          Bucket: objects.listBuckets().map((bucket) => ({
            Name: bucket.Name,
            CreationDate: bucket.CreationDate,
            BucketRegion: bucket.Region
          }))
        }
      })
    );

  const CreateBucket: Handler<string> = async (request, context, bucket) => {
    checkBucketName(bucket);
    const document = await text(request.body);
    const constraint = document.trim() === '' ? undefined : xmlText(document, 'LocationConstraint');
    const region = constraint || 'us-east-1';
    if (region !== context.region) {
      throw new S3Error(
        'IllegalLocationConstraintException',
        constraint
          ? `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`
          : 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
        400
      );
    }
    // S3 answers a repeated create in us-east-1 with success, for legacy compatibility; elsewhere with 409.
    if (!(region === 'us-east-1' && objects.bucket(bucket))) objects.createBucket(bucket, region);
    return empty(context, 200, { location: `/${bucket}` });
  };

  const HeadBucket: Handler<string> = (_request, context, bucket) =>
    Promise.resolve(empty(context, 200, { 'x-amz-bucket-region': objects.requireBucket(bucket).Region }));

  const GetBucketLocation: Handler<string> = (_request, context, bucket) => {
    const region = objects.requireBucket(bucket).Region;
    // us-east-1 is the empty constraint (botocore maps it back to None).
    const constraint = region === 'us-east-1' ? '' : escapeXml(region);
    return Promise.resolve({
      status: 200,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': context.requestId },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_NAMESPACE}">${constraint}</LocationConstraint>`
    });
  };

  const DeleteBucket: Handler<string> = (_request, context, bucket) => {
    objects.deleteBucket(bucket);
    return Promise.resolve(empty(context, 204));
  };

  const ListObjectsV2: Handler<string> = (request, context, bucket) => {
    const query = request.query;
    const token = query.get('continuation-token') ?? undefined;
    const startAfter = query.get('start-after') ?? undefined;
    const listing = listingRequest(
      query,
      token !== undefined ? readContinuationToken(token) : { after: startAfter }
    );
    const page = listPage(objects.list(bucket, listing.prefix), listing);
    const encode = encoder(query);
    return Promise.resolve(
      xml(context, 'ListBucketResult', {
        Name: bucket,
        Prefix: encode(listing.prefix),
        Delimiter: encode(listing.delimiter),
        MaxKeys: listing.maxKeys,
        EncodingType: query.get('encoding-type') ?? undefined,
        KeyCount: page.contents.length + page.commonPrefixes.length,
        IsTruncated: page.truncated,
        ContinuationToken: token,
        NextContinuationToken: page.truncated && page.last ? continuationToken(page.last) : undefined,
        StartAfter: encode(startAfter),
        Contents: page.contents.map((record) =>
          contents(record, encode, query.get('fetch-owner') === 'true')
        ),
        CommonPrefixes: page.commonPrefixes.map((prefix) => ({ Prefix: encode(prefix) }))
      })
    );
  };

  const ListObjects: Handler<string> = (request, context, bucket) => {
    const query = request.query;
    const marker = query.get('marker') ?? undefined;
    const listing = listingRequest(query, { after: marker });
    const page = listPage(objects.list(bucket, listing.prefix), listing);
    const encode = encoder(query);
    return Promise.resolve(
      xml(context, 'ListBucketResult', {
        Name: bucket,
        Prefix: encode(listing.prefix),
        Marker: encode(marker ?? ''),
        // S3 gives NextMarker only with a delimiter; without one the last key is the next marker.
        NextMarker: page.truncated && listing.delimiter ? encode(page.last?.name) : undefined,
        MaxKeys: listing.maxKeys,
        Delimiter: encode(listing.delimiter),
        EncodingType: query.get('encoding-type') ?? undefined,
        IsTruncated: page.truncated,
        Contents: page.contents.map((record) => contents(record, encode, true)),
        CommonPrefixes: page.commonPrefixes.map((prefix) => ({ Prefix: encode(prefix) }))
      })
    );
  };

  const DeleteObjects: Handler<string> = async (request, context, bucket) => {
    objects.requireBucket(bucket);
    const document = await text(request.body);
    const entries = xmlChildren(document, 'Object');
    if (!/<Delete[\s>]/.test(document) || entries.length === 0 || entries.length > MAX_DELETE_OBJECTS) {
      throw malformedXml();
    }
    const quiet = xmlText(document.replace(/<Object[\s>][\s\S]*?<\/Object>/g, ''), 'Quiet') === 'true';
    const deleted: XmlElement[] = [];
    for (const entry of entries) {
      const key = xmlText(entry, 'Key');
      if (key === undefined) throw malformedXml();
      objects.deleteObject(bucket, key);
      if (!quiet) deleted.push({ Key: key });
    }
    return xml(context, 'DeleteResult', { Deleted: deleted });
  };

  const PutObject: Handler<Target> = async (request, context, { bucket, key }) => {
    if (request.headers['x-amz-copy-source'] !== undefined)
      throw notImplemented('x-amz-copy-source (CopyObject)');
    objects.requireBucket(bucket);
    const attributes = objectAttributes(request.headers);
    const upload = objectBody(request.headers, request.body);
    const record = await objects.put(bucket, key, upload.body, attributes, upload.verify);
    return empty(context, 200, { etag: record.ETag, ...upload.checksums() });
  };

  const GetObject: Handler<Target> = (request, context, { bucket, key }) => {
    const record = objects.head(bucket, key);
    const unchanged = precondition(request, record);
    if (unchanged)
      return Promise.resolve({
        ...unchanged,
        headers: { ...unchanged.headers, 'x-amz-request-id': context.requestId }
      });
    const range = requestedRange(request.headers.range, record.Size);
    const { body } = objects.read(bucket, key, range);
    const headers = objectHeaders(record, request.query);
    if (range) {
      headers['content-range'] = `bytes ${range.start}-${range.end}/${record.Size}`;
      headers['content-length'] = String(range.end - range.start + 1);
    }
    return Promise.resolve({
      status: range ? 206 : 200,
      headers: { ...headers, 'x-amz-request-id': context.requestId },
      body
    });
  };

  const HeadObject: Handler<Target> = (request, context, { bucket, key }) => {
    const record = objects.head(bucket, key);
    const unchanged = precondition(request, record);
    if (unchanged) return Promise.resolve(unchanged);
    return Promise.resolve({
      status: 200,
      headers: { ...objectHeaders(record, request.query), 'x-amz-request-id': context.requestId },
      // A stream, so the Content-Length of the object (not of this empty body) is sent.
      body: Readable.from([])
    });
  };

  const DeleteObject: Handler<Target> = (_request, context, { bucket, key }) => {
    objects.deleteObject(bucket, key);
    return Promise.resolve(empty(context, 204));
  };

  const CreateMultipartUpload: Handler<Target> = (request, context, { bucket, key }) => {
    const uploadId = objects.createUpload(bucket, key, objectAttributes(request.headers));
    return Promise.resolve(
      xml(context, 'InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: uploadId })
    );
  };

  const UploadPart: Handler<Target> = async (request, context, { bucket, key }) => {
    const uploadId = request.query.get('uploadId') ?? '';
    const partNumber = Number(request.query.get('partNumber'));
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
      throw invalidArgument(
        'Part number must be an integer between 1 and 10000, inclusive',
        'partNumber',
        request.query.get('partNumber') ?? ''
      );
    }
    const upload = objectBody(request.headers, request.body);
    const etag = await objects.putPart(bucket, key, uploadId, partNumber, upload.body, upload.verify);
    return empty(context, 200, { etag, ...upload.checksums() });
  };

  const CompleteMultipartUpload: Handler<Target> = async (request, context, { bucket, key }) => {
    const document = await text(request.body);
    const parts = xmlChildren(document, 'Part').map((part) => {
      const number = Number(xmlText(part, 'PartNumber'));
      const etag = xmlText(part, 'ETag');
      if (!Number.isInteger(number) || etag === undefined) throw malformedXml();
      return { PartNumber: number, ETag: etag };
    });
    const record = await objects.completeUpload(bucket, key, request.query.get('uploadId') ?? '', parts);
    const host = String(request.headers.host ?? '127.0.0.1');
    return xml(context, 'CompleteMultipartUploadResult', {
      Location: `http://${host}/${bucket}/${encodeURIComponent(key)}`,
      Bucket: bucket,
      Key: key,
      ETag: record.ETag
    });
  };

  const AbortMultipartUpload: Handler<Target> = async (request, context, { bucket, key }) => {
    await objects.abortUpload(bucket, key, request.query.get('uploadId') ?? '');
    return empty(context, 204);
  };

  return {
    ListBuckets,
    CreateBucket,
    HeadBucket,
    GetBucketLocation,
    DeleteBucket,
    ListObjectsV2,
    ListObjects,
    DeleteObjects,
    PutObject,
    GetObject,
    HeadObject,
    DeleteObject,
    CreateMultipartUpload,
    UploadPart,
    CompleteMultipartUpload,
    AbortMultipartUpload
  };
}

export const notImplemented = (what: string) =>
  new S3Error(
    'NotImplemented',
    `A header or query you provided implies functionality that is not implemented: ${what} is not served by the local stack.`,
    501
  );

function listingRequest(
  query: URLSearchParams,
  start: { after?: string | undefined; afterPrefix?: boolean }
): ListingRequest {
  const given = query.get('max-keys');
  const maxKeys = given === null ? 1000 : Number(given);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw invalidArgument(
      'Provided max-keys not an integer or within integer range',
      'max-keys',
      given ?? ''
    );
  }
  const delimiter = query.get('delimiter') || undefined;
  return {
    prefix: query.get('prefix') ?? '',
    maxKeys: Math.min(maxKeys, 1000),
    ...(delimiter !== undefined && { delimiter }),
    ...(start.after !== undefined && { after: start.after }),
    ...(start.afterPrefix !== undefined && { afterPrefix: start.afterPrefix })
  };
}

/** With `encoding-type=url`, S3 percent-encodes keys and prefixes in listings (botocore asks for it). */
function encoder(query: URLSearchParams): <T extends string | undefined>(value: T) => T {
  const url = query.get('encoding-type') === 'url';
  return <T extends string | undefined>(value: T): T =>
    (url && value !== undefined ? encodeURIComponent(value).replace(/%2F/g, '/') : value) as T;
}

function contents(record: ObjectRecord, encode: (value: string) => string, withOwner: boolean): XmlElement {
  return {
    Key: encode(record.Key),
    LastModified: record.LastModified,
    ETag: record.ETag,
    Size: record.Size,
    StorageClass: 'STANDARD',
    ...(withOwner && { Owner: OWNER })
  };
}

/** Query members of GetObject that override the response's headers. */
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
  'response-content-language': 'content-language',
  'response-cache-control': 'cache-control',
  'response-expires': 'expires'
};

function objectHeaders(record: ObjectRecord, query: URLSearchParams): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': record.ContentType,
    'content-length': String(record.Size),
    etag: record.ETag,
    'last-modified': record.LastModified.toUTCString(),
    'accept-ranges': 'bytes',
    ...record.Headers
  };
  for (const [name, value] of Object.entries(record.Metadata)) headers[`x-amz-meta-${name}`] = value;
  for (const [parameter, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = query.get(parameter);
    if (value !== null) headers[header] = value;
  }
  return headers;
}

/** If-Match (412 when it differs) and If-None-Match (304 when it matches), as S3 evaluates them. */
function precondition(request: StreamedRequest, record: ObjectRecord): WireResponse | undefined {
  const matches = (header: string | string[] | undefined) =>
    typeof header === 'string' &&
    header
      .split(',')
      .some((etag) => etag.trim() === '*' || etag.trim().replace(/^"|"$/g, '') === record.ETag.slice(1, -1));
  const ifMatch = request.headers['if-match'];
  if (ifMatch !== undefined && !matches(ifMatch)) {
    throw new S3Error(
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
      412,
      {
        Condition: 'If-Match'
      }
    );
  }
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined && matches(ifNoneMatch)) {
    return {
      status: 304,
      headers: { etag: record.ETag, 'last-modified': record.LastModified.toUTCString() },
      body: ''
    };
  }
  return undefined;
}

/**
 * The single byte range a Range header asks for (`bytes=a-b`, `bytes=a-`, `bytes=-n`), clipped to the
 * object; undefined for no header, or one S3 ignores (several ranges, another unit). An unsatisfiable
 * range is S3's InvalidRange (416).
 */
export function requestedRange(
  header: string | undefined,
  size: number
): { start: number; end: number } | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [, first = '', last = ''] = match;
  let start: number;
  let end: number;
  if (first === '') {
    start = Math.max(0, size - Number(last));
    end = size - 1;
    if (Number(last) === 0) start = size;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return undefined;
  }
  if (start >= size || start > end) {
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: header ?? '',
      ActualObjectSize: String(size)
    });
  }
  return { start, end };
}
