import { ownMember } from '../../../wire/own.js';
import type { OperationInput, OperationTable } from '../../../wire/types.js';
import { S3Error } from '../../s3/errors.js';
import { parseObjectUrl, type ObjectStore } from '../../s3/index.js';
import { validationError } from '../errors.js';

/** The operations that take a template as TemplateBody or TemplateURL. */
const TEMPLATE_OPERATIONS = [
  'CreateStack',
  'UpdateStack',
  'CreateChangeSet',
  'ValidateTemplate',
  'GetTemplateSummary'
];

/** CloudFormation's limit for a template read from S3. */
const TEMPLATE_URL_LIMIT = 1_000_000;

/** Templates read from each request's TemplateURL, by the request's input. */
const fetched = new WeakMap<OperationInput, string>();

/** The template a request's TemplateURL named, once read from S3 (see withTemplateUrls). */
export function fetchedTemplate(input: OperationInput): string | undefined {
  return fetched.get(input);
}

/**
 * The operations, with a TemplateURL read from the local S3 before the operation runs, as CloudFormation
 * reads it: the operations stay synchronous, and see the template as if it had come with the request.
 */
export function withTemplateUrls(operations: OperationTable, objects: ObjectStore): OperationTable {
  const wrapped: Record<string, OperationTable[string]> = Object.create(null) as Record<
    string,
    OperationTable[string]
  >;
  for (const name of TEMPLATE_OPERATIONS) {
    const operation = ownMember(operations, name);
    if (!operation) continue;
    wrapped[name] = async (input, context) => {
      const url = input.TemplateURL;
      if (url === undefined) return operation(input, context);
      if (input.TemplateBody !== undefined)
        throw validationError('Specify exactly one of TemplateBody or TemplateUrl.');
      if (typeof url !== 'string') throw validationError('TemplateURL must be an Amazon S3 URL.');
      const given = { ...input };
      delete given.TemplateURL;
      fetched.set(given, await readTemplate(url, objects));
      return operation(given, context);
    };
  }
  return { ...operations, ...wrapped };
}

async function readTemplate(url: string, objects: ObjectStore): Promise<string> {
  const location = parseObjectUrl(url);
  if (!location) throw validationError('TemplateURL must be an Amazon S3 URL.');
  let body: Buffer;
  try {
    body = await objects.get(location.bucket, location.key);
  } catch (error) {
    if (error instanceof S3Error && (error.code === 'NoSuchKey' || error.code === 'NoSuchBucket')) {
      throw validationError('TemplateURL must reference a valid S3 object to which you have access.');
    }
    throw error;
  }
  if (body.length > TEMPLATE_URL_LIMIT) {
    throw validationError(
      `Template may not exceed ${TEMPLATE_URL_LIMIT} bytes in size (s3://${location.bucket}/${location.key} has ${body.length}).`
    );
  }
  return body.toString('utf8');
}
