import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../../wire/errors.js';
import type { RequestHead, WireResponse } from '../../wire/types.js';
import { xmlDocument } from './xml.js';

/**
 * An S3 error: the code and status of S3's error table, and the members its XML error body names
 * (BucketName, Key, UploadId, ...), which SDKs expose on the error.
 */
export class S3Error extends AwsServiceError {
  constructor(
    code: string,
    message: string,
    status: number,
    readonly members: Record<string, string> = {}
  ) {
    super(code, message, status);
  }
}

export const noSuchBucket = (bucket: string) =>
  new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });

export const noSuchKey = (key: string) =>
  new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });

export const noSuchUpload = (uploadId: string) =>
  new S3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    404,
    { UploadId: uploadId }
  );

export const invalidArgument = (message: string, name: string, value: string) =>
  new S3Error('InvalidArgument', message, 400, { ArgumentName: name, ArgumentValue: value });

export const malformedXml = () =>
  new S3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400
  );

export const badDigest = (what: string) =>
  new S3Error('BadDigest', `The ${what} you specified did not match the calculated checksum.`, 400);

/**
 * S3's XML error body (`<Error><Code>…`), or for HEAD requests the status alone, as S3 answers them. Errors
 * the wire raises before S3 sees the request are given S3's codes (a body over the limit is EntityTooLarge).
 */
export function s3ErrorResponse(error: unknown, head: RequestHead, requestId: string): WireResponse {
  const s3 = asS3Error(error);
  const headers = {
    'content-type': 'application/xml',
    'x-amz-request-id': requestId,
    'x-amz-id-2': randomBytes(24).toString('base64')
  };
  if (head.method === 'HEAD') return { status: s3.status, headers, body: '' };
  return {
    status: s3.status,
    headers,
    body: xmlDocument('Error', {
      Code: s3.code,
      Message: s3.message,
      ...s3.members,
      RequestId: requestId,
      HostId: headers['x-amz-id-2']
    })
  };
}

function asS3Error(error: unknown): S3Error {
  if (error instanceof S3Error) return error;
  if (error instanceof AwsServiceError) {
    if (error.code === 'RequestEntityTooLarge') {
      return new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400);
    }
    return new S3Error(error.code, error.message, error.status);
  }
  return new S3Error(
    'InternalError',
    `We encountered an internal error: ${error instanceof Error ? error.message : String(error)}`,
    500
  );
}
