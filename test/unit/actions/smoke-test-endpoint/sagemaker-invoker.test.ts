import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { Outcome } from '../../../../src/actions/smoke-test-endpoint/invoker.js';
import {
  DEFAULT_RETRY_POLICY,
  invokeWithRetry,
  WarmUp
} from '../../../../src/actions/smoke-test-endpoint/retry.js';
import {
  outcomeOfAnswer,
  sageMakerInvoker,
  type RuntimeAnswer
} from '../../../../src/actions/smoke-test-endpoint/sagemaker-invoker.js';
import { verifySigV4, type ReceivedRequest } from '../../../helpers/sigv4.js';
import { fakeClock, smokeCase } from './fixtures.js';

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG',
  sessionToken: 'session'
};
const REGION = 'eu-west-1';

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** SageMaker Runtime as far as InvokeEndpoint goes: records each request, answers from a script. */
class FakeRuntime {
  readonly received: ReceivedRequest[] = [];
  /** Answers in order; the last one repeats. */
  script: Scripted[] = [{ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":1}' }];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.received.push({
        method: request.method!,
        path: request.url!,
        headers: request.headers,
        body: Buffer.concat(chunks)
      });
      const answer = this.script.length > 1 ? this.script.shift()! : this.script[0]!;
      response.writeHead(answer.status, answer.headers ?? {});
      response.end(answer.body ?? '');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('the SageMaker Runtime invoker', () => {
  const runtime = new FakeRuntime();
  let url: string;
  const client = () =>
    new SageMakerRuntimeClient({ region: REGION, endpoint: url, credentials: CREDENTIALS });

  beforeAll(async () => {
    url = await runtime.start();
  });
  afterAll(() => runtime.stop());
  beforeEach(() => {
    runtime.received.length = 0;
    runtime.script = [{ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":1}' }];
  });

  const invokeOnce = async (request = smokeCase('smoke/a.json').request, name = 'churn') => {
    const invoker = await sageMakerInvoker(client(), name, 5_000);
    try {
      return await invoker.invoke(request);
    } finally {
      invoker.close();
    }
  };

  it('signs InvokeEndpoint as the SDK does: same route and scope, a signature SigV4 accepts', async () => {
    const request = {
      ...smokeCase('smoke/a.json').request,
      accept: 'application/json',
      targetVariant: 'Blue',
      customAttributes: 'trace=1'
    };
    const sdk = client();
    await sdk.send(
      new InvokeEndpointCommand({
        EndpointName: 'churn-v2',
        Body: request.body,
        ContentType: request.contentType,
        Accept: request.accept,
        TargetVariant: request.targetVariant,
        CustomAttributes: request.customAttributes
      })
    );
    sdk.destroy();
    await invokeOnce(request, 'churn-v2');

    const [fromSdk, ours] = runtime.received as [ReceivedRequest, ReceivedRequest];
    expect(ours.path).toBe(fromSdk.path);
    expect(ours.body).toEqual(fromSdk.body);
    for (const header of [
      'content-type',
      'accept',
      'x-amzn-sagemaker-target-variant',
      'x-amzn-sagemaker-custom-attributes',
      'x-amz-security-token'
    ]) {
      expect([header, ours.headers[header]]).toEqual([header, fromSdk.headers[header]]);
    }
    // The verifier accepts the SDK's own signature, so it is a fair judge of ours.
    const sdkVerdict = verifySigV4(fromSdk, CREDENTIALS.secretAccessKey);
    const ourVerdict = verifySigV4(ours, CREDENTIALS.secretAccessKey);
    expect(sdkVerdict.valid).toBe(true);
    expect(ourVerdict).toEqual({ valid: true, scope: sdkVerdict.scope });
    expect(ourVerdict.scope).toMatch(new RegExp(`^\\d{8}/${REGION}/sagemaker/aws4_request$`));
  });

  it('produces a signature that fails for another body or another secret', async () => {
    await invokeOnce();
    const [ours] = runtime.received as [ReceivedRequest];
    expect(
      verifySigV4({ ...ours, body: Buffer.from('{"case":"forged"}') }, CREDENTIALS.secretAccessKey).valid
    ).toBe(false);
    expect(verifySigV4(ours, 'another secret').valid).toBe(false);
  });

  it('sends to AWS_ENDPOINT_URL as the SDK resolves it, keeping its path prefix', async () => {
    const saved = process.env['AWS_ENDPOINT_URL'];
    process.env['AWS_ENDPOINT_URL'] = `${url}/prefix`;
    try {
      const invoker = await sageMakerInvoker(
        new SageMakerRuntimeClient({ region: REGION, credentials: CREDENTIALS }),
        'churn',
        5_000
      );
      await invoker.invoke(smokeCase('smoke/a.json').request);
      invoker.close();
    } finally {
      if (saved === undefined) delete process.env['AWS_ENDPOINT_URL'];
      else process.env['AWS_ENDPOINT_URL'] = saved;
    }
    const [ours] = runtime.received as [ReceivedRequest];
    expect(ours.path).toBe('/prefix/endpoints/churn/invocations');
    expect(verifySigV4(ours, CREDENTIALS.secretAccessKey).valid).toBe(true);
  });

  it('returns the answer, its status and content type', async () => {
    runtime.script = [{ status: 200, headers: { 'content-type': 'text/csv' }, body: '1,2' }];
    expect(await invokeOnce()).toEqual({
      kind: 'answer',
      status: 200,
      contentType: 'text/csv',
      body: Buffer.from('1,2')
    });
  });

  it('keeps connections alive across requests', async () => {
    const invoker = await sageMakerInvoker(client(), 'churn', 5_000);
    const request = smokeCase('smoke/a.json').request;
    await invoker.invoke(request);
    await invoker.invoke(request);
    invoker.close();
    expect(runtime.received.map((entry) => entry.headers.connection)).toEqual(['keep-alive', 'keep-alive']);
  });

  it('reports no connection as unavailable', async () => {
    const closed = new FakeRuntime();
    const closedUrl = await closed.start();
    await closed.stop();
    const invoker = await sageMakerInvoker(
      new SageMakerRuntimeClient({ region: REGION, endpoint: closedUrl, credentials: CREDENTIALS }),
      'churn',
      5_000
    );
    const outcome = await invoker.invoke(smokeCase('smoke/a.json').request);
    invoker.close();
    expect(outcome).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('retries a warming endpoint (503, then the container 502) until it answers', async () => {
    runtime.script = [
      {
        status: 503,
        headers: { 'x-amzn-errortype': 'ServiceUnavailable' },
        body: '{"message":"restarting"}'
      },
      modelErrorAnswer(502, 'loading'),
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":1}' }
    ];
    const clock = fakeClock();
    const invoker = await sageMakerInvoker(client(), 'churn', 5_000);
    const result = await invokeWithRetry(
      invoker,
      smokeCase('smoke/a.json').request,
      new WarmUp(),
      DEFAULT_RETRY_POLICY,
      clock
    );
    invoker.close();
    expect(result).toMatchObject({ attempts: 3, outcome: { kind: 'answer', status: 200 } });
    expect(clock.slept).toEqual([500, 1000]);
    expect(runtime.received).toHaveLength(3);
  });

  it('fails at once, without a retry, on an endpoint that does not exist', async () => {
    runtime.script = [
      {
        status: 400,
        headers: { 'x-amzn-errortype': 'ValidationError:http://internal.amazon.com/' },
        body: '{"message":"Endpoint churn of account 1 not found."}'
      }
    ];
    const invoker = await sageMakerInvoker(client(), 'churn', 5_000);
    await expect(
      invokeWithRetry(
        invoker,
        smokeCase('smoke/a.json').request,
        new WarmUp(),
        DEFAULT_RETRY_POLICY,
        fakeClock()
      )
    ).rejects.toThrow(
      /InvokeEndpoint on 'churn' failed: ValidationError: Endpoint churn of account 1 not found\..*endpoint-name/
    );
    invoker.close();
    expect(runtime.received).toHaveLength(1);
  });
});

function modelErrorAnswer(status: number, message: string): Scripted {
  return {
    status: 424,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ModelError' },
    body: JSON.stringify({
      Message: `Received server error (${status}) from primary with message "${message}".`,
      OriginalStatusCode: status,
      OriginalMessage: message
    })
  };
}

describe('reading an InvokeEndpoint answer as an outcome', () => {
  const answer = (status: number, headers: Record<string, string>, body: unknown): RuntimeAnswer => ({
    status,
    headers,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
  });

  it.each<[string, RuntimeAnswer, Outcome]>([
    [
      'the model answering',
      answer(200, { 'content-type': 'application/json' }, '{"p":1}'),
      { kind: 'answer', status: 200, contentType: 'application/json', body: Buffer.from('{"p":1}') }
    ],
    [
      'ModelError: the container answered 400',
      answer(
        424,
        { 'x-amzn-errortype': 'ModelError' },
        { OriginalStatusCode: 400, OriginalMessage: 'bad input' }
      ),
      { kind: 'answer', status: 400, body: Buffer.from('bad input') }
    ],
    [
      'ModelError named in the body only, namespaced',
      answer(424, {}, { __type: 'com.amazonaws.sagemaker#ModelError', OriginalStatusCode: 500 }),
      { kind: 'answer', status: 500, body: Buffer.from('') }
    ],
    [
      'ModelError without the container status',
      answer(424, { 'x-amzn-errortype': 'ModelError' }, { Message: 'no answer' }),
      { kind: 'unavailable', message: 'ModelError: no answer' }
    ],
    [
      'ThrottlingException',
      answer(400, { 'x-amzn-errortype': 'ThrottlingException' }, { message: 'Rate exceeded' }),
      { kind: 'throttled', message: 'ThrottlingException: Rate exceeded' }
    ],
    [
      'ModelNotReadyException',
      answer(429, { 'x-amzn-errortype': 'ModelNotReadyException' }, { Message: 'not ready' }),
      { kind: 'throttled', message: 'ModelNotReadyException: not ready' }
    ],
    [
      'a bare 429',
      answer(429, {}, 'Too Many Requests'),
      { kind: 'throttled', message: 'HTTP 429: Too Many Requests' }
    ],
    [
      'ServiceUnavailable',
      answer(503, { 'x-amzn-errortype': 'ServiceUnavailable' }, { message: 'restarting' }),
      { kind: 'unavailable', message: 'ServiceUnavailable: restarting' }
    ],
    [
      'InternalFailure',
      answer(500, { 'x-amzn-errortype': 'InternalFailure' }, { message: 'oops' }),
      { kind: 'unavailable', message: 'InternalFailure: oops' }
    ],
    [
      'a 502 page from a proxy',
      answer(502, { 'content-type': 'text/html' }, '<html>Bad Gateway</html>'),
      { kind: 'unavailable', message: 'HTTP 502: <html>Bad Gateway</html>' }
    ]
  ])('%s', (_title, runtimeAnswer, outcome) => {
    expect(outcomeOfAnswer(runtimeAnswer, 'churn')).toEqual(outcome);
  });

  it.each<[string, RuntimeAnswer, RegExp]>([
    [
      'an unknown endpoint',
      answer(
        400,
        { 'x-amzn-errortype': 'ValidationError' },
        { message: 'Endpoint churn of account 1 not found.' }
      ),
      /failed: ValidationError: Endpoint churn of account 1 not found\./
    ],
    [
      'access denied',
      answer(403, {}, { __type: 'AccessDeniedException', Message: 'not authorized' }),
      /failed: AccessDeniedException: not authorized/
    ]
  ])('fails on %s with what to check', (_title, runtimeAnswer, message) => {
    expect(() => outcomeOfAnswer(runtimeAnswer, 'churn')).toThrow(message);
    expect(() => outcomeOfAnswer(runtimeAnswer, 'churn')).toThrow(
      /endpoint-name, aws-region, the credentials/
    );
  });
});
