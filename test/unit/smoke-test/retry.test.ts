import {
  InvokeEndpointCommand,
  ModelError,
  SageMakerRuntimeClient,
  ServiceUnavailable,
  ValidationError
} from '@aws-sdk/client-sagemaker-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Outcome } from '../../../src/smoke-test/invoker.js';
import { DEFAULT_RETRY_POLICY, invokeWithRetry, retryDelay, WarmUp } from '../../../src/smoke-test/retry.js';
import { sageMakerInvoker } from '../../../src/smoke-test/sagemaker-invoker.js';
import { fakeClock, smokeCase } from './fixtures.js';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 };
const answer = (status: number): Outcome => ({ kind: 'answer', status, body: Buffer.from('{}') });

describe('the retry policy', () => {
  it.each([
    ['throttled, warming up', { kind: 'throttled', message: 'slow down' }, false, 1, 100],
    ['throttled, warmed up', { kind: 'throttled', message: 'slow down' }, true, 2, 200],
    ['429 answer, warmed up', answer(429), true, 3, 250],
    ['no connection, warming up', { kind: 'unavailable', message: 'ECONNREFUSED' }, false, 1, 100],
    ['503 answer, warming up', answer(503), false, 1, 100],
    ['503 answer, warmed up', answer(503), true, 1, undefined],
    ['no connection, warmed up', { kind: 'unavailable', message: 'ECONNRESET' }, true, 1, undefined],
    ['400 answer', answer(400), false, 1, undefined],
    ['200 answer (even if wrong)', answer(200), false, 1, undefined],
    ['throttled on the last attempt', { kind: 'throttled', message: 'slow down' }, false, 4, undefined]
  ] as const)('%s', (_title, outcome, warmedUp, attempt, delay) => {
    expect(retryDelay(outcome as Outcome, attempt, warmedUp, policy)).toBe(delay);
  });

  it('warm-up ends at the first answer that is neither throttling nor 5xx', () => {
    const warmUp = new WarmUp();
    warmUp.observe(answer(503));
    warmUp.observe({ kind: 'throttled', message: '' });
    expect(warmUp.warmedUp).toBe(false);
    warmUp.observe(answer(400));
    expect(warmUp.warmedUp).toBe(true);
  });
});

describe('invoking a SageMaker endpoint with retries', () => {
  const runtime = mockClient(SageMakerRuntimeClient);
  const request = smokeCase('smoke/a.json').request;
  const modelError = (status: number, message: string) =>
    new ModelError({
      message: `Received error (${status})`,
      $metadata: { httpStatusCode: 424 },
      OriginalStatusCode: status,
      OriginalMessage: message
    });
  const unavailable = () =>
    new ServiceUnavailable({ message: 'restarting', $metadata: { httpStatusCode: 503 } });
  const ok = {
    Body: Buffer.from('{"predictions":[1]}') as unknown as Uint8Array & never,
    ContentType: 'application/json',
    $metadata: {}
  };

  beforeEach(() => runtime.reset());

  it('retries a warming endpoint (503, then the container 502) until it answers', async () => {
    runtime
      .on(InvokeEndpointCommand)
      .rejectsOnce(unavailable())
      .rejectsOnce(modelError(502, 'loading'))
      .resolves(ok);
    const clock = fakeClock();
    const result = await invokeWithRetry(
      sageMakerInvoker(new SageMakerRuntimeClient({}), 'churn'),
      request,
      new WarmUp(),
      DEFAULT_RETRY_POLICY,
      clock
    );
    expect(result).toMatchObject({ attempts: 3, outcome: { kind: 'answer', status: 200 } });
    expect(clock.slept).toEqual([500, 1000]);
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 3);
    expect(runtime).toHaveReceivedCommandWith(InvokeEndpointCommand, {
      EndpointName: 'churn',
      ContentType: 'application/json'
    });
  });

  it('never retries a 5xx once the endpoint has answered', async () => {
    runtime.on(InvokeEndpointCommand).rejects(modelError(500, 'boom'));
    const warmUp = new WarmUp();
    warmUp.observe(answer(200));
    const result = await invokeWithRetry(
      sageMakerInvoker(new SageMakerRuntimeClient({}), 'churn'),
      request,
      warmUp,
      DEFAULT_RETRY_POLICY,
      fakeClock()
    );
    expect(result).toMatchObject({
      attempts: 1,
      outcome: { kind: 'answer', status: 500, body: Buffer.from('boom') }
    });
  });

  it('never retries a model answering 400: that is its answer', async () => {
    runtime.on(InvokeEndpointCommand).rejects(modelError(400, '{"error":"expected 10 numbers"}'));
    const result = await invokeWithRetry(
      sageMakerInvoker(new SageMakerRuntimeClient({}), 'churn'),
      request,
      new WarmUp(),
      DEFAULT_RETRY_POLICY,
      fakeClock()
    );
    expect(result.attempts).toBe(1);
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 1);
  });

  it('retries throttling at most max attempts, backing off', async () => {
    runtime.on(InvokeEndpointCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 }
      })
    );
    const clock = fakeClock();
    const result = await invokeWithRetry(
      sageMakerInvoker(new SageMakerRuntimeClient({}), 'churn'),
      request,
      new WarmUp(),
      { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 3000 },
      clock
    );
    expect(result).toMatchObject({ attempts: 5, outcome: { kind: 'throttled' } });
    expect(clock.slept).toEqual([500, 1000, 2000, 3000]);
  });

  it('fails at once on an error no retry can fix', async () => {
    runtime.on(InvokeEndpointCommand).rejects(
      new ValidationError({
        message: 'Endpoint churn of account 1 not found.',
        $metadata: { httpStatusCode: 400 }
      })
    );
    await expect(
      invokeWithRetry(
        sageMakerInvoker(new SageMakerRuntimeClient({}), 'churn'),
        request,
        new WarmUp(),
        DEFAULT_RETRY_POLICY,
        fakeClock()
      )
    ).rejects.toThrow(
      /InvokeEndpoint on 'churn' failed: ValidationError: Endpoint churn of account 1 not found\..*endpoint-name/
    );
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 1);
  });

  it('sends the target variant and custom attributes of a case', async () => {
    runtime.on(InvokeEndpointCommand).resolves(ok);
    const variantCase = smokeCase('smoke/v.json');
    const invoker = sageMakerInvoker(new SageMakerRuntimeClient({}), 'churn');
    await invoker.invoke({
      ...variantCase.request,
      accept: 'text/csv',
      targetVariant: 'Blue',
      customAttributes: 'trace=1'
    });
    expect(runtime).toHaveReceivedCommandWith(InvokeEndpointCommand, {
      Accept: 'text/csv',
      TargetVariant: 'Blue',
      CustomAttributes: 'trace=1'
    });
  });
});
