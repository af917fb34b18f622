import type { StackContext } from '../../context.js';
import type { RequestHead, ServiceDefinition, StreamedRoute } from '../../wire/types.js';
import { addressOf, virtualHostedBucket } from './addressing.js';
import { S3Error, s3ErrorResponse } from './errors.js';
import { notImplemented, s3Operations } from './operations.js';
import type { ObjectStore } from './store.js';

export { ObjectStore } from './store.js';
export type { ObjectRecord, BucketRecord } from './store.js';

const GiB = 1024 * 1024 * 1024;
/** S3's largest single PutObject and UploadPart: 5 GiB, streamed to disk as it arrives. */
const MAX_OBJECT_BYTES = 5 * GiB;
/** The XML documents S3 takes (DeleteObjects of 1,000 keys is the largest) fit in 1 MiB. */
const MAX_DOCUMENT_BYTES = 1024 * 1024;

/**
 * Subresources of S3 the local stack does not serve: a request naming one is refused as NotImplemented
 * rather than mistaken for the plain bucket or object operation.
 */
const UNSERVED_SUBRESOURCES = [
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'cors',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'tagging',
  'torrent',
  'versioning',
  'versions',
  'website'
];

/**
 * S3 (REST-XML, signing name "s3") on the stack's one endpoint, over the account's ObjectStore: path-style
 * (`/bucket/key`) and virtual-hosted (`Host: bucket.localhost`, `bucket.s3.…`) addressing, object bodies
 * streamed to and from disk.
 */
export function createS3Service(stack: Pick<StackContext, 'objects' | 'onReset'>): ServiceDefinition {
  stack.onReset(() => stack.objects.reset());
  return s3Service(stack.objects);
}

export function s3Service(objects: ObjectStore): ServiceDefinition {
  const operations = s3Operations(objects);
  return {
    protocol: 'rest-xml',
    signingName: 's3',
    claims: (head) =>
      virtualHostedBucket(typeof head.headers.host === 'string' ? head.headers.host : undefined) !==
      undefined,
    route: (head) => route(operations, head),
    errorResponse: s3ErrorResponse
  };
}

type Operations = ReturnType<typeof s3Operations>;

function route(operations: Operations, head: RequestHead): StreamedRoute {
  const { bucket, key } = addressOf(head);
  const query = head.query;
  const unserved = UNSERVED_SUBRESOURCES.find((name) => query.has(name));
  if (unserved !== undefined) throw notImplemented(`the ?${unserved} subresource`);
  const method = head.method;
  const input = { ...(bucket !== undefined && { Bucket: bucket }), ...(key !== undefined && { Key: key }) };
  const to = <T>(
    operation: keyof Operations,
    handle: (
      request: Parameters<StreamedRoute['handle']>[0],
      context: Parameters<StreamedRoute['handle']>[1],
      target: T
    ) => ReturnType<StreamedRoute['handle']>,
    target: T,
    maxBodyBytes = MAX_DOCUMENT_BYTES
  ): StreamedRoute => ({
    operation,
    input,
    maxBodyBytes,
    handle: (request, context) => handle(request, context, target)
  });

  if (bucket === undefined) {
    if (method === 'GET') return to('ListBuckets', operations.ListBuckets, undefined);
  } else if (key === undefined) {
    if (method === 'PUT') return to('CreateBucket', operations.CreateBucket, bucket);
    if (method === 'HEAD') return to('HeadBucket', operations.HeadBucket, bucket);
    if (method === 'DELETE') return to('DeleteBucket', operations.DeleteBucket, bucket);
    if (method === 'GET') {
      if (query.has('location')) return to('GetBucketLocation', operations.GetBucketLocation, bucket);
      if (query.has('uploads')) throw notImplemented('ListMultipartUploads');
      if (query.get('list-type') === '2') return to('ListObjectsV2', operations.ListObjectsV2, bucket);
      return to('ListObjects', operations.ListObjects, bucket);
    }
    if (method === 'POST' && query.has('delete'))
      return to('DeleteObjects', operations.DeleteObjects, bucket);
  } else {
    const target = { bucket, key };
    const uploadId = query.has('uploadId');
    if (method === 'PUT') {
      if (uploadId) return to('UploadPart', operations.UploadPart, target, MAX_OBJECT_BYTES);
      return to('PutObject', operations.PutObject, target, MAX_OBJECT_BYTES);
    }
    if (method === 'GET') {
      if (uploadId) throw notImplemented('ListParts');
      return to('GetObject', operations.GetObject, target);
    }
    if (method === 'HEAD') return to('HeadObject', operations.HeadObject, target);
    if (method === 'DELETE') {
      if (uploadId) return to('AbortMultipartUpload', operations.AbortMultipartUpload, target);
      return to('DeleteObject', operations.DeleteObject, target);
    }
    if (method === 'POST') {
      if (query.has('uploads')) return to('CreateMultipartUpload', operations.CreateMultipartUpload, target);
      if (uploadId) return to('CompleteMultipartUpload', operations.CompleteMultipartUpload, target);
    }
  }
  throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, {
    Method: method,
    ResourceType: key !== undefined ? 'OBJECT' : bucket !== undefined ? 'BUCKET' : 'SERVICE'
  });
}
export { parseObjectUrl, parseS3Uri, type ObjectLocation } from './locations.js';
