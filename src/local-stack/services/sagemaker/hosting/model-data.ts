import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ContainerDefinition } from '@aws-sdk/client-sagemaker';
import { S3Error } from '../../s3/errors.js';
import { parseObjectUrl, parseS3Uri, type ObjectStore } from '../../s3/index.js';

/** Where SageMaker puts a container's model data. */
export const MODEL_DIR = '/opt/ml/model';

/** The members of a container definition (or model package container) that name its model data. */
export type ModelDataSpec = Pick<ContainerDefinition, 'ModelDataUrl' | 'ModelDataSource'>;

/** The model data could not be downloaded or unpacked; the message is the endpoint's FailureReason. */
export class ModelDataFailure extends Error {}

/**
 * A container's model data, fetched from the local S3 and unpacked once into a directory the container
 * gets read-only at /opt/ml/model, as SageMaker does: a `model.tar.gz` (ModelDataUrl, or an S3Object
 * with Gzip compression) is extracted; an S3Prefix with CompressionType None is copied object by object.
 * Unpacked data is kept by URL and ETag, so instances and restarts of an endpoint share it.
 */
export class ModelDataCache {
  constructor(
    private readonly objects: ObjectStore,
    private readonly directory: string
  ) {}

  /** The host directory to mount at /opt/ml/model, or undefined for a container without model data. */
  async prepare(spec: ModelDataSpec, containerName: string): Promise<string | undefined> {
    const source = spec.ModelDataSource?.S3DataSource;
    const uri = source?.S3Uri ?? spec.ModelDataUrl;
    if (uri === undefined) return undefined;
    const prefix = source?.S3DataType === 'S3Prefix';
    const compressed = source ? source.CompressionType === 'Gzip' : true;
    const location = parseS3Uri(uri) ?? parseObjectUrl(uri);
    const failure = () =>
      new ModelDataFailure(
        `Failed to download model data for container "${containerName}" from URL: "${uri}". Please ensure that ` +
          'there is an object located at the URL and that the role passed to CreateModel has permissions to download the object.'
      );
    if (!location) throw failure();
    if (prefix && compressed) {
      throw new ModelDataFailure(
        `Model data for container "${containerName}" at "${uri}": an S3Prefix must have CompressionType None.`
      );
    }
    try {
      const objects = prefix
        ? this.objects.list(location.bucket, location.key)
        : [this.objects.head(location.bucket, location.key)];
      if (objects.length === 0) throw failure();
      const identity = createHash('sha256')
        .update(JSON.stringify([uri, prefix, compressed, objects.map((object) => [object.Key, object.ETag])]))
        .digest('hex')
        .slice(0, 32);
      const target = join(this.directory, identity);
      if (existsSync(target)) return target;
      const staging = join(this.directory, `.${identity}.${randomUUID()}`);
      mkdirSync(staging, { recursive: true });
      try {
        if (!prefix && compressed) await this.extract(location.bucket, location.key, staging, uri);
        else {
          for (const object of objects) {
            const name = prefix ? object.Key.slice(location.key.length) : object.Key.split('/').pop();
            const path = resolve(staging, name ?? '');
            // A key such as `prefix/../x` must not write outside the model directory.
            if (!path.startsWith(staging + sep)) continue;
            await mkdir(dirname(path), { recursive: true });
            await pipeline(this.objects.read(location.bucket, object.Key).body, createWriteStream(path));
          }
        }
        if (!existsSync(target)) renameSync(staging, target);
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
      return target;
    } catch (error) {
      if (error instanceof S3Error) throw failure();
      throw error;
    }
  }

  /** `tar -xz` of the object into `directory`; GNU tar keeps members from escaping it (`..`, `/`). */
  private async extract(bucket: string, key: string, directory: string, uri: string): Promise<void> {
    const tar = spawn('tar', ['-xzf', '-', '-C', directory, '--no-same-owner', '--no-same-permissions'], {
      stdio: ['pipe', 'ignore', 'pipe']
    });
    let stderr = '';
    tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number>((done, fail) => {
      tar.on('error', fail);
      tar.on('close', (code) => done(code ?? 1));
    });
    await pipeline(this.objects.read(bucket, key).body, tar.stdin).catch(() => undefined);
    const code = await exited;
    if (code !== 0) {
      throw new ModelDataFailure(
        `The model data at "${uri}" could not be unpacked as a tar.gz archive: ${stderr.trim().slice(0, 300) || `tar exited with ${code}`}.`
      );
    }
  }
}
