import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { InputError } from '../../lib/errors.js';
import type { TemplateLocation, TemplateSource } from './types.js';

/** CloudFormation's limit for TemplateBody; larger templates must come from S3 (TemplateURL). */
export const INLINE_TEMPLATE_LIMIT = 51_200;

const SHIPPED_NAME = /^[a-z0-9][a-z0-9-]*$/;

export interface TemplatePlaces {
  /** The repository checkout, where relative paths are resolved (GITHUB_WORKSPACE). */
  workspace: string;
  /** action-templates/cloudformation next to the action. */
  shippedDir: string;
}

/** The names of the templates shipped with the action (file names without .yaml). */
export function shippedTemplates(shippedDir: string): string[] {
  if (!existsSync(shippedDir)) return [];
  return readdirSync(shippedDir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * The 'template' input is a path in the repository, or the name of a template shipped with the action
 * (e.g. 'realtime-endpoint'). A file in the repository wins over a shipped template of the same name.
 */
export function readTemplate(input: string, places: TemplatePlaces): TemplateSource {
  const inWorkspace = isAbsolute(input) ? input : resolve(places.workspace, input);
  if (existsSync(inWorkspace) && statSync(inWorkspace).isFile()) {
    return { path: inWorkspace, body: readBody(inWorkspace) };
  }
  const shipped = shippedTemplates(places.shippedDir);
  if (SHIPPED_NAME.test(input) && shipped.includes(input)) {
    const path = join(places.shippedDir, `${input}.yaml`);
    return { path, body: readBody(path) };
  }
  throw new InputError(
    'template',
    `'${input}' is neither a file in the repository (looked for ${inWorkspace}) nor a template shipped with the action`,
    `Give a path relative to the repository root, or one of: ${shipped.join(', ') || '(none found)'}.`
  );
}

function readBody(path: string): string {
  const body = readFileSync(path, 'utf8');
  if (body.trim() === '') {
    throw new InputError(
      'template',
      `${path} is empty`,
      'Point it at a CloudFormation template in YAML or JSON.'
    );
  }
  return body;
}

/** The S3 key a template is uploaded under: by stack and content, so re-uploads of the same template are idempotent. */
export function templateKey(stackName: string, body: string): string {
  const digest = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return `modelship/${stackName}/${digest}.template`;
}

export function templateUrl(bucket: string, key: string, region: string): string {
  return `https://${bucket}.s3.${region}.amazonaws.com/${key}`;
}

/**
 * Inline when CloudFormation accepts it inline; otherwise uploaded to the template bucket. Without a bucket,
 * an oversized template is an input error, before any change to the stack.
 */
export async function placeTemplate(
  template: TemplateSource,
  stackName: string,
  bucket: string | undefined,
  upload: { s3: () => Promise<S3Client>; region: string }
): Promise<TemplateLocation> {
  const size = Buffer.byteLength(template.body, 'utf8');
  if (size <= INLINE_TEMPLATE_LIMIT) return { body: template.body };
  if (bucket === undefined) {
    throw new InputError(
      'template-bucket',
      `the template ${template.path} is ${size} bytes, over CloudFormation's inline limit of ${INLINE_TEMPLATE_LIMIT}`,
      "Set 'template-bucket' to an S3 bucket the deploy role can write to; the template is uploaded there."
    );
  }
  const key = templateKey(stackName, template.body);
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  await (await upload.s3()).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: template.body }));
  return { url: templateUrl(bucket, key, upload.region) };
}
