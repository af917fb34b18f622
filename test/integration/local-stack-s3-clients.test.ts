import { jest } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { s3Service, ObjectStore } from '../../src/local-stack/services/s3/index.js';
import {
  startEndpoint,
  TEST_CREDENTIALS,
  TEST_REGION,
  type RunningEndpoint
} from '../helpers/local-endpoint.js';
import { runProgram } from '../helpers/local-stack.js';

jest.setTimeout(120_000);

/**
 * The local S3 through clients we did not write: boto3 (its own XML parsing, aws-chunked uploads with
 * checksum trailers or headers, paginators) and the AWS CLI (`aws s3` high-level commands, multipart
 * above 8 MB, `aws s3api`).
 */
describe('local S3 through boto3 and the AWS CLI', () => {
  let endpoint: RunningEndpoint;
  let env: Record<string, string>;
  const work = mkdtempSync(join(tmpdir(), 's3-clients-'));

  beforeAll(async () => {
    endpoint = await startEndpoint((state) => [s3Service(new ObjectStore(join(state.dataDir, 's3')))]);
    env = {
      AWS_ENDPOINT_URL: endpoint.url,
      AWS_DEFAULT_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey
    };
  });
  afterAll(async () => {
    await endpoint.close();
    rmSync(work, { recursive: true, force: true });
  });

  const python = async (script: string) => {
    const run = await runProgram('python3', ['-c', script], { env });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };
  const aws = async (...args: string[]) => {
    const run = await runProgram('aws', args, { env });
    if (run.code !== 0) throw new Error(`aws ${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  };

  it('serves buckets and objects, listings and S3 error codes to boto3', async () => {
    const report = await python(`
import json, boto3
from botocore.exceptions import ClientError
s3 = boto3.client("s3")
def error(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
report = {}
s3.create_bucket(Bucket="models")
report["again"] = s3.create_bucket(Bucket="models")["ResponseMetadata"]["HTTPStatusCode"]
report["badName"] = error(s3.create_bucket, Bucket="Not_Valid")
report["otherRegion"] = error(s3.create_bucket, Bucket="elsewhere", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
report["location"] = s3.get_bucket_location(Bucket="models")["LocationConstraint"]
report["buckets"] = [b["Name"] for b in s3.list_buckets()["Buckets"]]
put = s3.put_object(Bucket="models", Key="a/b c+d.txt", Body=b"hello world", ContentType="text/plain", Metadata={"commit": "abc"})
report["etag"] = put["ETag"]
got = s3.get_object(Bucket="models", Key="a/b c+d.txt")
report["get"] = [got["Body"].read().decode(), got["ContentType"], got["Metadata"], got["ContentLength"]]
ranged = s3.get_object(Bucket="models", Key="a/b c+d.txt", Range="bytes=6-")
report["range"] = [ranged["Body"].read().decode(), ranged["ContentRange"], ranged["ResponseMetadata"]["HTTPStatusCode"]]
report["suffix"] = s3.get_object(Bucket="models", Key="a/b c+d.txt", Range="bytes=-5")["Body"].read().decode()
report["badRange"] = error(s3.get_object, Bucket="models", Key="a/b c+d.txt", Range="bytes=50-")
head = s3.head_object(Bucket="models", Key="a/b c+d.txt")
report["head"] = [head["ContentLength"], head["ETag"]]
report["noKey"] = error(s3.get_object, Bucket="models", Key="absent")
report["noKeyHead"] = error(s3.head_object, Bucket="models", Key="absent")
report["noBucket"] = error(s3.put_object, Bucket="absent", Key="k", Body=b"x")
report["noBucketHead"] = error(s3.head_bucket, Bucket="absent")
for key in ["p/1", "p/2", "p/q/3", "p/q/4", "p/r/5", "z"]:
    s3.put_object(Bucket="models", Key=key, Body=key.encode())
pages = s3.get_paginator("list_objects_v2").paginate(Bucket="models", Prefix="p/", Delimiter="/", PaginationConfig={"PageSize": 2})
report["pages"] = [[[c["Key"] for c in page.get("Contents", [])], [p["Prefix"] for p in page.get("CommonPrefixes", [])], page["KeyCount"]] for page in pages]
listed = s3.list_objects_v2(Bucket="models")
report["all"] = [c["Key"] for c in listed["Contents"]]
report["v1"] = [c["Key"] for c in s3.list_objects(Bucket="models", Prefix="p/q/")["Contents"]]
report["notEmpty"] = error(s3.delete_bucket, Bucket="models")
deleted = s3.delete_objects(Bucket="models", Delete={"Objects": [{"Key": "p/1"}, {"Key": "p/2"}, {"Key": "never"}]})
report["deleted"] = sorted(d["Key"] for d in deleted["Deleted"])
s3.delete_object(Bucket="models", Key="z")
report["left"] = [c["Key"] for c in s3.list_objects_v2(Bucket="models")["Contents"]]
print(json.dumps(report))
`);
    expect(report).toEqual({
      again: 200,
      badName: ['InvalidBucketName', 400],
      otherRegion: ['IllegalLocationConstraintException', 400],
      location: null,
      buckets: ['models'],
      etag: `"${createHash('md5').update('hello world').digest('hex')}"`,
      get: ['hello world', 'text/plain', { commit: 'abc' }, 11],
      range: ['world', 'bytes 6-10/11', 206],
      suffix: 'world',
      badRange: ['InvalidRange', 416],
      head: [11, `"${createHash('md5').update('hello world').digest('hex')}"`],
      noKey: ['NoSuchKey', 404],
      noKeyHead: ['404', 404],
      noBucket: ['NoSuchBucket', 404],
      noBucketHead: ['404', 404],
      pages: [
        [['p/1', 'p/2'], [], 2],
        [[], ['p/q/', 'p/r/'], 2]
      ],
      all: ['a/b c+d.txt', 'p/1', 'p/2', 'p/q/3', 'p/q/4', 'p/r/5', 'z'],
      v1: ['p/q/3', 'p/q/4'],
      notEmpty: ['BucketNotEmpty', 409],
      deleted: ['never', 'p/1', 'p/2'],
      left: ['a/b c+d.txt', 'p/q/3', 'p/q/4', 'p/r/5']
    });
  });

  it('copies files up and down with the AWS CLI, multipart above 8 MB', async () => {
    await aws('s3', 'mb', 's3://cli-bucket');
    const large = join(work, 'large.bin');
    const content = randomBytes(9 * 1024 * 1024 + 123);
    writeFileSync(large, content);
    await aws('s3', 'cp', large, 's3://cli-bucket/dir/large.bin');
    writeFileSync(join(work, 'small.txt'), 'small');
    await aws('s3', 'cp', join(work, 'small.txt'), 's3://cli-bucket/dir/small.txt');

    const head = JSON.parse(
      await aws('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'dir/large.bin')
    ) as {
      ETag: string;
      ContentLength: number;
    };
    // The CLI uploads 8 MiB parts: the ETag is the MD5 of the two parts' MD5s, "-2".
    const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest();
    const parts = [content.subarray(0, 8 * 1024 * 1024), content.subarray(8 * 1024 * 1024)];
    const expected = createHash('md5')
      .update(Buffer.concat(parts.map(md5)))
      .digest('hex');
    expect(head).toMatchObject({ ETag: `"${expected}-2"`, ContentLength: content.length });

    await aws('s3', 'cp', 's3://cli-bucket/dir/large.bin', join(work, 'down.bin'));
    expect(readFileSync(join(work, 'down.bin')).equals(content)).toBe(true);
    expect(await aws('s3', 'ls', 's3://cli-bucket/dir/')).toMatch(/large\.bin[\s\S]*small\.txt/);

    const listed = JSON.parse(
      await aws('s3api', 'list-objects-v2', '--bucket', 'cli-bucket', '--prefix', 'dir/', '--max-keys', '1')
    ) as { Contents: { Key: string }[]; IsTruncated: boolean; NextContinuationToken: string };
    expect(listed.Contents.map((item) => item.Key)).toEqual(['dir/large.bin']);
    expect(listed.IsTruncated).toBe(true);

    await aws('s3', 'rm', '--recursive', 's3://cli-bucket/dir/');
    await aws('s3', 'rb', 's3://cli-bucket');
    const buckets = JSON.parse(await aws('s3api', 'list-buckets')) as { Buckets: unknown[] };
    expect(buckets.Buckets.map((bucket) => (bucket as { Name: string }).Name)).not.toContain('cli-bucket');
  });

  it('answers virtual-hosted addresses on the same endpoint', async () => {
    await aws('s3api', 'create-bucket', '--bucket', 'hosted');
    const port = new URL(endpoint.url).port;
    const get = (host: string, path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const outgoing = request(
          { host: '127.0.0.1', port, path, method: 'PUT', headers: { host } },
          (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          }
        );
        outgoing.on('error', reject);
        outgoing.end('virtual');
      });
    expect((await get(`hosted.localhost:${port}`, '/one.txt')).status).toBe(200);
    expect((await get('hosted.s3.us-east-1.amazonaws.com', '/two.txt')).status).toBe(200);
    const missing = await get('absent.s3.amazonaws.com', '/x');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatch(/<Code>NoSuchBucket<\/Code>.*<BucketName>absent<\/BucketName>/s);
    expect(await aws('s3', 'cp', 's3://hosted/two.txt', '-')).toBe('virtual');
    expect(await aws('s3', 'ls', 's3://hosted/')).toMatch(/one\.txt[\s\S]*two\.txt/);
  });
});
