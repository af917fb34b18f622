import { request } from 'node:http';
import { join } from 'node:path';
import { ObjectStore, s3Service } from '../../../../../src/local-stack/services/s3/index.js';
import { startEndpoint, type RunningEndpoint } from '../../../../helpers/local-endpoint.js';

const SIGNED =
  'AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0';

/** The S3 wire's limits and error shapes, on an in-process endpoint with raw HTTP. */
describe('S3 on the endpoint', () => {
  let endpoint: RunningEndpoint;
  let objects: ObjectStore;

  beforeAll(async () => {
    endpoint = await startEndpoint((state) => [
      s3Service((objects = new ObjectStore(join(state.dataDir, 's3'))))
    ]);
    objects.createBucket('models', 'us-east-1');
  });
  afterAll(() => endpoint.close());

  const send = (method: string, path: string, headers: Record<string, string>, body?: Buffer | string) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const url = new URL(endpoint.url);
      const outgoing = request(
        { host: url.hostname, port: url.port, method, path, headers: { authorization: SIGNED, ...headers } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text })
          );
        }
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  it('refuses a declared body over 5 GiB with EntityTooLarge before reading it', async () => {
    const url = new URL(endpoint.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'PUT',
          path: '/models/huge.bin',
          headers: {
            authorization: SIGNED,
            'content-length': String(5 * 1024 ** 3 + 1),
            expect: '100-continue'
          }
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        }
      );
      outgoing.on('error', reject);
      outgoing.flushHeaders();
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/<Error><Code>EntityTooLarge<\/Code>/);
  });

  it('refuses an XML document over 1 MiB, sent chunked, with EntityTooLarge', async () => {
    const answer = await send(
      'POST',
      '/models?delete',
      { 'transfer-encoding': 'chunked' },
      Buffer.alloc(1024 * 1024 + 1, 'a')
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/<Code>EntityTooLarge<\/Code>/);
  });

  it('answers HEAD errors with the status alone, and other errors in S3 XML naming the resource', async () => {
    const head = await send('HEAD', '/models/absent', {});
    expect(head).toMatchObject({ status: 404, body: '' });
    const get = await send('GET', '/models/absent', {});
    expect(get.status).toBe(404);
    expect(get.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code>.*<Key>absent<\/Key><RequestId>/s
    );
    const unserved = await send('GET', '/models?versioning', {});
    expect(unserved.status).toBe(501);
    expect(unserved.body).toMatch(/<Code>NotImplemented<\/Code>/);
  });

  it('serves HeadObject with the object’s length and an unsigned virtual-hosted GET', async () => {
    await objects.put('models', 'a.txt', 'twelve bytes');
    const head = await send('HEAD', '/models/a.txt', {});
    expect(head.headers['content-length']).toBe('12');
    const url = new URL(endpoint.url);
    const virtual = await new Promise<string>((resolve, reject) => {
      const outgoing = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/a.txt',
          headers: { host: `models.localhost:${url.port}` }
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        }
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(virtual).toBe('twelve bytes');
  });
});
