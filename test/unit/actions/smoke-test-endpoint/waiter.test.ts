import {
  DescribeEndpointCommand,
  SageMakerClient,
  SageMakerServiceException
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { InputError } from '../../../../src/lib/errors.js';
import { waitForEndpoint, waitForPing } from '../../../../src/actions/smoke-test-endpoint/waiter.js';
import { fakeClock } from './fixtures.js';

const status = (EndpointStatus: string, FailureReason?: string) =>
  ({
    EndpointName: 'churn',
    EndpointStatus,
    ...(FailureReason !== undefined && { FailureReason }),
    $metadata: {}
  }) as never;

describe('waiting for an endpoint', () => {
  const sagemaker = mockClient(SageMakerClient);
  beforeEach(() => sagemaker.reset());
  const options = (clock = fakeClock(), logs: string[] = [], warnings: string[] = []) => ({
    timeoutMs: 60_000,
    clock,
    log: (message: string) => logs.push(message),
    warn: (message: string) => warnings.push(message)
  });

  it('polls while Creating, then returns at InService', async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(status('Creating'))
      .resolvesOnce(status('Creating'))
      .resolvesOnce(status('Creating'))
      .resolves(status('InService'));
    const clock = fakeClock();
    const logs: string[] = [];
    await waitForEndpoint(new SageMakerClient({ region: 'us-east-1' }), 'churn', options(clock, logs));
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeEndpointCommand, 4);
    expect(sagemaker).toHaveReceivedCommandWith(DescribeEndpointCommand, { EndpointName: 'churn' });
    expect(clock.slept).toEqual([1000, 2000, 4000]);
    expect(logs).toEqual([
      'Endpoint churn is Creating; waiting for InService.',
      'Endpoint churn is InService.'
    ]);
  });

  it('ends the wait at once on Failed, with the FailureReason', async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(status('Creating'))
      .resolves(status('Failed', 'The primary container exited.'));
    await expect(
      waitForEndpoint(new SageMakerClient({ region: 'us-east-1' }), 'churn', options())
    ).rejects.toThrow('Endpoint churn is Failed: The primary container exited. Fix what the reason names');
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeEndpointCommand, 2);
  });

  it('warns when an InService endpoint carries the reason of a failed update', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves(status('InService', 'Failed to update endpoint'));
    const warnings: string[] = [];
    await waitForEndpoint(
      new SageMakerClient({ region: 'us-east-1' }),
      'churn',
      options(fakeClock(), [], warnings)
    );
    expect(warnings).toEqual([
      'Endpoint churn is InService, but its last update failed: Failed to update endpoint'
    ]);
  });

  it('gives up after the timeout, saying where the endpoint stands', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves(status('Updating'));
    const clock = fakeClock();
    await expect(
      waitForEndpoint(new SageMakerClient({ region: 'us-east-1' }), 'churn', options(clock))
    ).rejects.toThrow(/Endpoint churn was still Updating after 60 seconds\. Raise wait-timeout-seconds/);
    expect(clock.now()).toBeLessThanOrEqual(60_000);
  });

  it('names the endpoint-name input when the endpoint does not exist', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(
      new SageMakerServiceException({
        name: 'ValidationException',
        $fault: 'client',
        message: 'Could not find endpoint "arn:aws:sagemaker:us-east-1:000000000000:endpoint/churn".',
        $metadata: { httpStatusCode: 400 }
      })
    );
    const waiting = waitForEndpoint(new SageMakerClient({ region: 'us-east-1' }), 'churn', options());
    await expect(waiting).rejects.toBeInstanceOf(InputError);
    await expect(waiting).rejects.toThrow(
      "Input 'endpoint-name': endpoint 'churn' does not exist in region us-east-1"
    );
  });
});

describe('waiting for a container over HTTP', () => {
  const options = (clock = fakeClock()) => ({
    timeoutMs: 10_000,
    clock,
    log: () => undefined,
    warn: () => undefined
  });

  it('waits through no connection and 503 until /ping answers 200', async () => {
    const answers = [undefined, 503, 200];
    const clock = fakeClock();
    await waitForPing(async () => answers.shift(), 'http://127.0.0.1:1/ping', options(clock));
    expect(answers).toEqual([]);
    expect(clock.slept).toEqual([250, 250]);
  });

  it('fails with the last status when the time runs out', async () => {
    await expect(waitForPing(async () => 500, 'http://127.0.0.1:1/ping', options())).rejects.toThrow(
      'http://127.0.0.1:1/ping did not answer 200 within 10 seconds (last: status 500).'
    );
  });
});
